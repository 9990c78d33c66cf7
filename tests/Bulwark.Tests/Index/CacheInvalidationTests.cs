using System.IO.Compression;
using System.Net;
using System.Text;
using Bulwark.Core.Audit;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Index;

/// <summary>
/// Cached pages, the root listing and file lookups follow every write: at once for writes made in the
/// server's process (before the write returns), and after a journal poll for writes made elsewhere.
/// Each test first fetches what it later expects to change, so a stale cache would be caught.
/// </summary>
public abstract class CacheInvalidationTests<TServer>(TServer server) where TServer : BulwarkServer
{
    private readonly HttpClient _client = server.CreateRawClient();

    [Fact]
    public async Task An_upload_through_the_api_shows_on_the_cached_page_and_in_the_root_when_it_returns()
    {
        var token = await server.CreateTokenAsync("invalidation-uploader");
        await Upload(token, new TestDistributions.Spec("Cached_Upload", "1.0"));
        Assert.Contains("cached_upload-1.0-py3-none-any.whl", await Page("cached-upload"));
        var rootBefore = await Root();
        Assert.DoesNotContain("href=\"cached-upload-newcomer/\"", rootBefore);

        await Upload(token, new TestDistributions.Spec("Cached_Upload", "2.0"));
        await Upload(token, new TestDistributions.Spec("Cached_Upload_Newcomer", "1.0"));

        Assert.Contains("cached_upload-2.0-py3-none-any.whl", await Page("cached-upload"));
        Assert.Contains("<a href=\"cached-upload-newcomer/\">Cached_Upload_Newcomer</a>", await Root());
    }

    [Fact]
    public async Task An_unknown_project_is_found_as_soon_as_it_is_created()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetWithAcceptAsync("/simple/late-arrival/", "text/html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/pypi/late-arrival/json")).StatusCode);
        await server.SeedAsync(new ReleaseSeed("late-arrival", "1.0"));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetWithAcceptAsync("/simple/late-arrival/", "text/html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/pypi/late-arrival/json")).StatusCode);
    }

    [Fact]
    public async Task A_yank_in_this_process_changes_the_json_api_at_once()
    {
        await server.SeedAsync(new ReleaseSeed("json-yank", "1.0"));
        Assert.False((await (await _client.GetAsync("/pypi/json-yank/json")).ReadJsonAsync()).GetProperty("urls")[0].GetProperty("yanked").GetBoolean());
        await server.WithScopeAsync(sp => sp.GetRequiredService<ReleaseManagement>().SetYankedAsync("json-yank", "1.0", true, "gone", new Actor("test", "test")));
        Assert.True((await (await _client.GetAsync("/pypi/json-yank/json")).ReadJsonAsync()).GetProperty("urls")[0].GetProperty("yanked").GetBoolean());
    }

    [Fact]
    public async Task A_new_collaborator_shows_in_the_cached_json_api_ownership()
    {
        await server.SeedAsync(new ReleaseSeed("owned-project", "1.0"));
        await server.AddRoleAsync("owned-project", "first-owner", ProjectRoleKind.Owner);
        Assert.Single((await (await _client.GetAsync("/pypi/owned-project/json")).ReadJsonAsync()).GetProperty("ownership").GetProperty("roles").EnumerateArray());

        await server.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<Bulwark.Core.Accounts.UserService>();
            var owner = (await users.FindByUsernameAsync("first-owner"))!;
            var invitee = (await users.CreateAsync("second-maintainer", "second-maintainer@example.com", "a long passphrase for the invitee", false, true, new Actor("test", "test"))).Value;
            var collaborators = sp.GetRequiredService<Bulwark.Core.Projects.Collaborators>();
            var membership = (await sp.GetRequiredService<Bulwark.Core.Projects.ProjectAccess>().FindAsync("owned-project", owner.Id))!;
            var invited = await collaborators.InviteAsync(membership, owner, "second-maintainer", ProjectRoleKind.Maintainer, new Actor("test", "test"));
            Assert.True(invited.Succeeded, invited.Refusal?.Message);
            var invitation = (await collaborators.PendingForUserAsync(invitee.Id)).Single();
            await collaborators.AcceptAsync(invitation.Id, invitee, new Actor("test", "test"));
            return 0;
        });

        var roles = (await (await _client.GetAsync("/pypi/owned-project/json")).ReadJsonAsync()).GetProperty("ownership").GetProperty("roles");
        Assert.Contains(roles.EnumerateArray(), r => r.GetProperty("user").GetString() == "second-maintainer");
    }

    [Fact]
    public async Task A_quarantine_stops_downloads_that_were_served_before()
    {
        var wheel = (await server.SeedAsync(new ReleaseSeed("download-then-quarantine", "1.0"))).Single();
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(wheel.UrlPath)).StatusCode);
        await server.SetProjectLifecycleAsync("download-then-quarantine", ProjectLifecycle.Quarantined);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(wheel.UrlPath)).StatusCode);
        Assert.DoesNotContain("href=\"download-then-quarantine/\"", await Root());
    }

    [Fact]
    public async Task Writes_by_another_process_show_after_a_journal_poll()
    {
        await server.SeedAsync(new ReleaseSeed("outside-yank", "1.0"));
        Assert.DoesNotContain("data-yanked", await Page("outside-yank", "text/html"));
        Assert.DoesNotContain("href=\"outside-created/\"", await Root());

        await using (var outside = await OutsideWriter.OpenAsync(server))
        {
            await outside.YankAsync("outside-yank", "1.0", "from the CLI");
            await outside.CreateProjectAsync("Outside_Created");
        }
        await server.PollJournalAsync();

        Assert.Contains("data-yanked=\"from the CLI\"", await Page("outside-yank", "text/html"));
        Assert.Contains("<a href=\"outside-created/\">Outside_Created</a>", await Root());
    }

    [Fact]
    public async Task The_root_listing_is_updated_in_place_and_equals_a_full_render()
    {
        foreach (var name in new[] { "Listing-B", "listing.a", "Listing_C" }) await server.SeedAsync(new ReleaseSeed(name, "1.0"));
        await Root();
        var root = server.Services.GetRequiredService<RootIndex>();
        var loads = root.Loads;

        await server.SeedAsync(new ReleaseSeed("Listing-Aa", "1.0"));
        await server.SetProjectLifecycleAsync("listing-b", ProjectLifecycle.Quarantined);
        await server.SeedAsync(new ReleaseSeed("listing.a", "2.0"));

        var html = await Root();
        var json = await (await _client.GetWithAcceptAsync("/simple/", SimpleApi.V1Json)).Content.ReadAsByteArrayAsync();
        Assert.Equal(loads, root.Loads);

        // What a full render from the database gives, in ordinal order of normalized names.
        var entries = await server.WithDbAsync(async db => (await db.Projects.AsNoTracking().Where(p => p.Lifecycle != ProjectLifecycle.Quarantined)
            .Select(p => new IndexEntry(p.Name, p.NormalizedName, p.LastSerial)).ToListAsync())
            .OrderBy(e => e.NormalizedName, StringComparer.Ordinal).ToList());
        var serial = await server.WithDbAsync(db => db.Journal.MaxAsync(j => j.Id));
        var full = new SimpleRoot(serial, entries);
        Assert.Equal(Encoding.UTF8.GetString(SimpleHtmlRenderer.RenderRoot(full)), html);
        Assert.Equal(Encoding.UTF8.GetString(SimpleJsonRenderer.RenderRoot(full)), Encoding.UTF8.GetString(json));
    }

    [Fact]
    public async Task Pages_are_sent_compressed_to_clients_that_accept_it()
    {
        var files = new List<SeededFile>();
        for (var i = 0; i < 8; i++) files.AddRange(await server.SeedAsync(new ReleaseSeed("compressed-page", $"1.{i}") { Sdist = true }));
        var plain = await _client.GetWithAcceptAsync("/simple/compressed-page/", HttpTestExtensions.PipAccept);
        var plainBody = await plain.Content.ReadAsByteArrayAsync();
        Assert.Null(plain.Header("Content-Encoding"));
        Assert.Equal("Accept, Accept-Encoding", plain.Header("Vary"));

        foreach (var (accept, coding) in new[] { ("gzip, deflate", "gzip"), ("gzip, br", "br"), ("br;q=0, gzip", "gzip") })
        {
            var response = await _client.GetWithAcceptAsync("/simple/compressed-page/", HttpTestExtensions.PipAccept, r => r.Headers.TryAddWithoutValidation("Accept-Encoding", accept));
            Assert.Equal(coding, response.Header("Content-Encoding"));
            await using var raw = await response.Content.ReadAsStreamAsync();
            await using Stream decoded = coding == "br" ? new BrotliStream(raw, CompressionMode.Decompress) : new GZipStream(raw, CompressionMode.Decompress);
            using var ms = new MemoryStream();
            await decoded.CopyToAsync(ms);
            Assert.Equal(plainBody, ms.ToArray());
            Assert.NotEqual(plain.Headers.ETag!.Tag, response.Headers.ETag!.Tag);

            var revalidated = await _client.GetWithAcceptAsync("/simple/compressed-page/", HttpTestExtensions.PipAccept, r =>
            {
                r.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
                r.IfNoneMatch(response.Headers.ETag.Tag);
            });
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        }
    }

    private async Task Upload(string token, TestDistributions.Spec spec)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = UploadForm.For(spec, wheel: true).ToContent() };
        request.Headers.Authorization = UploadForm.TokenAuth(token);
        var response = await _client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {response.ReasonPhrase}");
    }

    private async Task<string> Page(string normalized, string accept = HttpTestExtensions.PipAccept) =>
        await (await _client.GetWithAcceptAsync($"/simple/{normalized}/", accept)).Content.ReadAsStringAsync();

    private async Task<string> Root() => await (await _client.GetWithAcceptAsync("/simple/", "text/html")).Content.ReadAsStringAsync();
}

public sealed class CacheInvalidationTestsSqlite(SqliteServer server) : CacheInvalidationTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class CacheInvalidationTestsPostgres(PostgresServer server) : CacheInvalidationTests<PostgresServer>(server), IClassFixture<PostgresServer>
{
    private readonly PostgresServer _server = server;

    /// <summary>
    /// PostgreSQL hands out journal ids at insert but shows them at commit, so id N can appear after id N+1.
    /// The poller must not skip N for having already read past it.
    /// </summary>
    [Fact]
    public async Task A_journal_entry_committed_after_a_later_one_is_not_missed()
    {
        await _server.SeedAsync(new ReleaseSeed("slow-commit", "1.0"));
        await _server.SeedAsync(new ReleaseSeed("fast-commit", "1.0"));
        var client = _server.CreateRawClient();
        async Task<string> Page(string n) => await (await client.GetWithAcceptAsync($"/simple/{n}/", "text/html")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-yanked", await Page("slow-commit"));
        await _server.PollJournalAsync();

        await using var slow = await OutsideWriter.OpenAsync(_server);
        await using var tx = await slow.Db.Database.BeginTransactionAsync();
        var project = await slow.Db.Projects.SingleAsync(p => p.NormalizedName == "slow-commit");
        var release = await slow.Db.Releases.SingleAsync(r => r.ProjectId == project.Id);
        release.Yanked = true;
        await slow.AppendJournalAsync(project, "yank release", "1.0");
        await slow.Db.SaveChangesAsync();

        await using (var fast = await OutsideWriter.OpenAsync(_server)) await fast.YankAsync("fast-commit", "1.0", "fast");
        await _server.PollJournalAsync();
        Assert.Contains("data-yanked", await Page("fast-commit"));
        Assert.DoesNotContain("data-yanked", await Page("slow-commit"));

        await tx.CommitAsync();
        await _server.PollJournalAsync();
        Assert.Contains("data-yanked", await Page("slow-commit"));
    }
}
