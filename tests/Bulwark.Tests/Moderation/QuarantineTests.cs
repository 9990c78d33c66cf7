using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>Quarantine of releases and of projects through the verbs: what installers, maintainers, admins and uploaders see.</summary>
public abstract class QuarantineTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task A_quarantined_release_is_absent_for_installers_but_its_files_reach_maintainers_and_admins()
    {
        var owner = await CreateUserAsync("own");
        var (name, token) = await PublishAsync(owner, "1.0", "1.1");
        var files = await FileUrlsAsync(name, "1.1");
        await SimpleHtmlAsync(name); // cached before the verb: the verb's change must reach the cache

        var help = await CliAsync("project", "quarantine", "--help");
        Assert.Contains("--version", help.Out);
        var missingReason = await CliAsync("project", "quarantine", name, "--version", "1.1");
        Assert.NotEqual(0, missingReason.Exit);
        var run = await CliAsync("project", "quarantine", name, "--version", "1.1", "--reason", "stolen token upload");
        Assert.True(run.Exit == 0, run.Err);
        Assert.Contains($"Quarantined {name} 1.1.", run.Out);

        var html = await SimpleHtmlAsync(name);
        Assert.DoesNotContain("-1.1-", html);
        Assert.Contains("-1.0-", html);
        Assert.Contains("content=\"active\"", html);
        var json = await Server.CreateClient().GetFromJsonAsync<JsonElement>($"/pypi/{name}/json");
        Assert.False(json.GetProperty("releases").TryGetProperty("1.1", out _));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync($"/pypi/{name}/1.1/json"));
        foreach (var file in files)
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(file));
            Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(file + ".metadata"));
        }
        var ownerBrowser = await SignInAsync(owner.Username);
        var (_, adminBrowser) = await AdminAsync();
        var (_, stranger) = await SignedInUserAsync("str");
        foreach (var file in files)
        {
            var asOwner = await ownerBrowser.GetRawAsync(file);
            Assert.Equal(HttpStatusCode.OK, asOwner.StatusCode);
            Assert.True(asOwner.Headers.CacheControl is { Private: true, NoStore: true }, $"Cache-Control: {asOwner.Headers.CacheControl}");
            Assert.Equal(HttpStatusCode.OK, (await adminBrowser.GetRawAsync(file)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetRawAsync(file)).StatusCode);
        }

        var upload = await TryUploadAsync(token, new TestDistributions.Spec(name, "1.1") { Summary = "another file" }, wheel: false);
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Contains("is quarantined", upload.ReasonPhrase);
        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(token, new TestDistributions.Spec(name, "1.2"))).StatusCode);
        var again = await CliAsync("project", "quarantine", name, "--version", "1.1", "--reason", "again");
        Assert.Equal(1, again.Exit);
        Assert.Contains("Already quarantined", again.Err);

        var lift = await CliAsync("project", "unquarantine", name, "--version", "1.1");
        Assert.True(lift.Exit == 0, lift.Err);
        Assert.Contains("-1.1-", await SimpleHtmlAsync(name));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(files[0]));
        var events = await AuditAsync(e => e.Details != null && e.Details.Contains(name) && e.Type is AuditEventType.ReleasesQuarantined or AuditEventType.ReleasesUnquarantined);
        Assert.Equal([AuditEventType.ReleasesQuarantined, AuditEventType.ReleasesUnquarantined], events.Select(e => e.Type));
        Assert.Contains("stolen token upload", events[0].Details);
    }

    [Fact]
    public async Task A_quarantined_project_lists_nothing_refuses_uploads_and_management_and_returns_to_its_status()
    {
        var owner = await CreateUserAsync("own");
        var (name, token) = await PublishAsync(owner, "1.0");
        Assert.Equal(0, (await CliAsync("project", "archive", name)).Exit);

        var run = await CliAsync("project", "quarantine", name, "--reason", "typosquat of a popular project");
        Assert.True(run.Exit == 0, run.Err);
        var html = await SimpleHtmlAsync(name);
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"quarantined\">", html);
        Assert.DoesNotContain("<a href", html);
        var simpleJson = await SimpleJsonAsync(name);
        Assert.Equal("quarantined", simpleJson.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Equal(0, simpleJson.GetProperty("files").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync($"/pypi/{name}/json"));
        Assert.DoesNotContain($"/{ProjectName.Normalize(name)}/", await Server.CreateClient().GetStringAsync("/simple/"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync($"/project/{name}/"));

        var upload = await TryUploadAsync(token, new TestDistributions.Spec(name, "2.0"));
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Contains($"Project '{name}' is quarantined", upload.ReasonPhrase);
        Assert.Contains("Contact the index administrators", upload.ReasonPhrase);

        var browser = await SignInAsync(owner.Username);
        var manage = await browser.GetAsync($"/manage/project/{name}/");
        Assert.Equal(HttpStatusCode.Forbidden, manage.Status);
        Assert.Contains("is quarantined", manage.Get("#refused-message").TextContent);
        var deprecate = await CliAsync("project", "deprecate", name, "--reason", "x");
        Assert.Equal(1, deprecate.Exit);
        Assert.Contains("is quarantined", deprecate.Err);
        var mail = await PickupMail.WaitForAsync(Server, owner.Email, $"{name} was quarantined");
        Assert.Contains("typosquat of a popular project", mail.TextBody);

        var lift = await CliAsync("project", "unquarantine", name);
        Assert.True(lift.Exit == 0, lift.Err);
        Assert.Contains("content=\"archived\"", await SimpleHtmlAsync(name));
        Assert.Equal(ProjectLifecycle.Archived, await Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).Select(p => p.Lifecycle).SingleAsync()));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/manage/project/{name}/")).Status);
        Assert.Single(await AuditAsync(e => e.Type == AuditEventType.ProjectQuarantined && e.Details!.Contains(name)));
        Assert.Single(await AuditAsync(e => e.Type == AuditEventType.ProjectUnquarantined && e.Details!.Contains(name)));
    }

    [Fact]
    public async Task Verbs_refuse_unknown_projects_and_releases_by_name()
    {
        var (name, _) = await PublishAsync(null, "1.0");
        var unknown = await CliAsync("project", "quarantine", "no-such-" + Guid.NewGuid().ToString("N")[..6], "--reason", "x");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("There is no project", unknown.Err);
        var version = await CliAsync("project", "quarantine", name, "--version", "3.0", "--reason", "x");
        Assert.Equal(1, version.Exit);
        Assert.Contains($"has no release '3.0'", version.Err);
        var notQuarantined = await CliAsync("project", "unquarantine", name);
        Assert.Contains("is not quarantined", notQuarantined.Err);
    }
}

public sealed class QuarantineTestsSqlite(SqliteServer s) : QuarantineTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class QuarantineTestsPostgres(PostgresServer s) : QuarantineTests<PostgresServer>(s), IClassFixture<PostgresServer>;
