using System.Collections.Concurrent;
using System.Net;
using Bulwark.Core.Readmes;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Hostile;

/// <summary>
/// Runs every case of the hostile corpus against a live server: the answer is the one the case expects
/// (a 4xx that names the problem, never a 5xx), the server still serves afterwards, and nothing is left in
/// storage or the database — no temp file, no blob, no project, release, file, filename or journal row
/// that was not there before the case. A case expected to be accepted (<see cref="HostileExpectation.Accepted"/>)
/// instead leaves exactly one new release and no temp file, and its project page answers 200, shows the
/// text and renders nothing when viewed again; every case is compared with the state just before it.
/// </summary>
public abstract class HostileCorpusTests<TServer>(TServer server) where TServer : BulwarkServer
{
    private static readonly ConcurrentDictionary<BulwarkServer, Lazy<Task<Corpus>>> Prepared = new();

    public static IEnumerable<object[]> CaseIds() => HostileCorpus.Ids();

    [Fact]
    public void The_corpus_has_at_least_300_cases_across_the_families()
    {
        Assert.True(HostileCorpus.Cases.Count >= 300, $"the hostile corpus has {HostileCorpus.Cases.Count} cases");
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public async Task Hostile_input_is_refused_cleanly(string id)
    {
        var hostile = HostileCorpus.Cases[id];
        var corpus = await Prepared.GetOrAdd(server, s => new Lazy<Task<Corpus>>(() => PrepareAsync(s))).Value;
        var context = corpus.Context;
        // Compared with the state just before this case, so that a case wrongly accepted fails alone instead of
        // every case that runs after it.
        var baseline = await StoredState.ReadAsync(server);

        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = hostile.Build(context);
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var body = await ReadSomeAsync(response);
        var shown = $"{status} {response.ReasonPhrase}: {body[..Math.Min(body.Length, 400)]}";

        Assert.True(status < 500, $"{id}: a server error: {shown}");
        Assert.True(hostile.Expect.AllowedStatuses.Contains(status), $"{id}: expected one of {string.Join(",", hostile.Expect.AllowedStatuses.Take(5))}..., got {shown}");
        if (hostile.Expect.Mentions is { } mentions)
        {
            var said = (response.ReasonPhrase ?? "") + "\n" + body;
            Assert.True(said.Contains(mentions, StringComparison.OrdinalIgnoreCase), $"{id}: the answer does not mention '{mentions}': {shown}");
        }

        var live = await client.GetAsync($"/simple/{context.ExistingProject}/");
        Assert.True(live.StatusCode == HttpStatusCode.OK, $"{id}: the index stopped serving after the case ({(int)live.StatusCode})");

        var after = await StoredState.ReadAsync(server);
        if (hostile.Expect.Page is { } page)
        {
            await CheckAcceptedAsync(id, page, client);
            Assert.True(after.TempFiles == baseline.TempFiles && after.Releases == baseline.Releases + 1,
                $"{id}: an accepted upload must add one release and no temp file: before {baseline}, after {after}");
            return;
        }
        Assert.True(baseline == after, $"{id}: storage changed: before {baseline}, after {after}");
    }

    /// <summary>The accepted upload's page answers 200 and shows the text; a second view renders nothing.</summary>
    private async Task CheckAcceptedAsync(string id, AcceptedPage page, HttpClient client)
    {
        var renderer = server.Services.GetRequiredService<ReadmeRenderer>();
        using var first = await client.GetAsync($"/project/{page.Project}/");
        Assert.True(first.StatusCode == HttpStatusCode.OK, $"{id}: the project page answered {(int)first.StatusCode}");
        Assert.True((await first.Content.ReadAsStringAsync()).Contains(page.Shows, StringComparison.Ordinal), $"{id}: the project page does not show '{page.Shows}'");

        var renders = renderer.MarkdownRenders;
        using var second = await client.GetAsync($"/project/{page.Project}/");
        Assert.True(second.StatusCode == HttpStatusCode.OK, $"{id}: the second view answered {(int)second.StatusCode}");
        Assert.True(renders == renderer.MarkdownRenders, $"{id}: the second view of the project page rendered the description again");
    }

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response)
    {
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total))) > 0) total += read;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>The corpus on one server: what the cases use, and the stored state refused cases must leave as it is.</summary>
    private sealed class Corpus(HostileContext context, StoredState baseline)
    {
        public HostileContext Context { get; } = context;

        /// <summary>Moved on only by accepted cases (theory rows of one class run one after the other).</summary>
        public StoredState Baseline { get; set; } = baseline;
    }

    private static async Task<Corpus> PrepareAsync(BulwarkServer server)
    {
        var existing = "hostile-existing";
        var owner = "hostile-owner";
        var unscoped = await server.CreateTokenAsync(owner);
        await UploadOrThrowAsync(server, UploadForm.For(new TestDistributions.Spec(existing, "1.0")), unscoped);
        var projectToken = await server.CreateTokenAsync(owner, [existing]);

        var otherProject = "hostile-other-project";
        var otherUnscoped = await server.CreateTokenAsync("hostile-other");
        await UploadOrThrowAsync(server, UploadForm.For(new TestDistributions.Spec(otherProject, "1.0")), otherUnscoped);
        var otherToken = await server.CreateTokenAsync("hostile-other", [otherProject]);

        var context = new HostileContext
        {
            ExistingProject = existing,
            Owner = owner,
            UnscopedToken = unscoped,
            ProjectToken = projectToken,
            OtherProjectToken = otherToken,
        };
        return new Corpus(context, await StoredState.ReadAsync(server));
    }

    private static async Task UploadOrThrowAsync(BulwarkServer server, UploadForm form, string token)
    {
        var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = form.ToContent() };
        request.Headers.Authorization = UploadForm.TokenAuth(token);
        using var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"setting up the hostile corpus: upload of {form.Filename} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    /// <summary>Everything a refused request must leave as it was.</summary>
    private sealed record StoredState(int Projects, int Releases, int Files, int Filenames, int Journal, int Blobs, int TempFiles)
    {
        public static async Task<StoredState> ReadAsync(BulwarkServer server)
        {
            var counts = await server.WithDbAsync(async db => new[]
            {
                await db.Projects.CountAsync(), await db.Releases.CountAsync(), await db.Files.CountAsync(),
                await db.FilenameRegistrations.CountAsync(), await db.Journal.CountAsync(),
            });
            var files = Path.Combine(server.DataDirectory, "files");
            var temp = Path.Combine(files, ".tmp");
            var all = Directory.Exists(files) ? Directory.GetFiles(files, "*", SearchOption.AllDirectories) : [];
            var tempCount = all.Count(f => f.StartsWith(temp + Path.DirectorySeparatorChar, StringComparison.Ordinal));
            return new StoredState(counts[0], counts[1], counts[2], counts[3], counts[4], all.Length - tempCount, tempCount);
        }
    }
}

public sealed class HostileCorpusTestsSqlite(SqliteServer s) : HostileCorpusTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class HostileCorpusTestsPostgres(PostgresServer s) : HostileCorpusTests<PostgresServer>(s), IClassFixture<PostgresServer>;
