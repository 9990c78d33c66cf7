using System.Net;
using System.Text;
using System.Text.Json;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Bulwark.EndToEnd.Tests.Infrastructure;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// A server of its own that trusts a loopback issuer standing in for GitHub Actions, and accepts leak reports
/// signed with that issuer's scanner key; its admin verbs are the real binary's.
/// </summary>
public sealed class TrustedPublishingFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "bulwark-e2e-tp", Guid.NewGuid().ToString("N")[..12]);
    public TestOidcIssuer Issuer { get; private set; } = null!;
    public LiveServer Server { get; private set; } = null!;
    public BulwarkCli Cli { get; private set; } = null!;
    public string GitHub => Issuer.Issuer("github");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "cli"));
        Issuer = await TestOidcIssuer.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Bulwark:TrustedPublishing:Issuers:0:Url"] = GitHub,
            ["Bulwark:TrustedPublishing:Issuers:0:Provider"] = "GitHub",
            ["Bulwark:Secrets:KeysUrl"] = Issuer.ReporterKeysUrl,
        };
        Server = await LiveServer.StartAsync(Path.Combine(Root, "data"), settings);
        Cli = new BulwarkCli(Server.DataDirectory, Path.Combine(Root, "cli"), settings);
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        if (Issuer is not null) await Issuer.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// Trusted Publishing and the leak response as CI and twine meet them: a pending publisher set up with the real
/// binary's verbs creates its project on the first run of a CI job that does what pypa/gh-action-pypi-publish
/// does, twine uploads with the minted token, a job of another workflow is told why it is refused, and a token
/// reported by a (signed) secret-scanning report makes twine's next upload fail with 403.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TrustedPublishingTests(EndToEndFixture e2e, TrustedPublishingFixture tp) : IClassFixture<TrustedPublishingFixture>
{
    private LiveServer Server => tp.Server;

    private Func<string, string> GitHubJob(string repository, string workflow) => audience =>
        tp.Issuer.SignRs256(TestOidcIssuer.GitHubClaims(tp.GitHub, audience, repository, workflow, "pypi"));

    private Task<ProcessResult> RunJobAsync(string repository, string workflow, IEnumerable<string> files)
    {
        tp.Issuer.ActionsTokenFactory = GitHubJob(repository, workflow);
        return new CiPublishJob(e2e.Tools, e2e.NewDirectory("ci-job")).RunAsync(Server.UploadUrl, tp.Issuer.ActionsTokenUrl, tp.Issuer.ActionsRequestToken, files);
    }

    [Fact]
    public async Task A_CI_job_publishes_through_a_pending_publisher_set_up_with_the_verbs_and_twine()
    {
        Check.Succeeded(await tp.Cli.RunAsync(["user", "add", "tp-alice", "--email", "tp-alice@example.com", "--password-stdin"], "tundra velvet gossip 41"), Server, 0, "user add");
        var add = await tp.Cli.RunAsync(["project", "publisher", "add", "bwtrusted", "--provider", "github", "--issuer", tp.GitHub,
            "--repository", "acme/bwtrusted", "--workflow", "release.yml", "--environment", "pypi", "--owner", "tp-alice"]);
        Check.Succeeded(add, Server, 0, "project publisher add (pending)");
        Check.OutputContains(add, "creates 'bwtrusted'", Server, 0);

        var first = await e2e.Packages.BuildAsync(new PythonProject("bwtrusted", "1.0.0", BuildBackend.FlitCore));
        var mark = Server.Requests.Mark();
        var job = await RunJobAsync("acme/bwtrusted", "release.yml", first.Files);
        Check.Succeeded(job, Server, mark, "the CI job (audience, identity token, mint-token, twine upload)");
        var requests = Server.Requests.Since(mark);
        Check.That(requests.Any(r => r.Path == "/_/oidc/audience" && r.Status == 200) && requests.Any(r => r.Path == "/_/oidc/mint-token" && r.Status == 200)
            && requests.Count(r => r.Path == "/legacy/" && r.Status == 200) == 2, "the job should have asked the audience, minted once and uploaded two files", Server, mark, job);

        using (var http = Server.CreateHttpClient())
        {
            var json = JsonDocument.Parse(await http.GetStringAsync("pypi/bwtrusted/json")).RootElement;
            Assert.Equal(2, json.GetProperty("urls").GetArrayLength());
        }
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
            var owner = await db.ProjectRoles.Where(r => r.Project.NormalizedName == "bwtrusted").Select(r => new { r.User.Username, r.Role }).SingleAsync();
            Assert.Equal(("tp-alice", ProjectRoleKind.Owner), (owner.Username, owner.Role));
        }
        var list = await tp.Cli.RunAsync(["project", "publisher", "list", "bwtrusted"]);
        Check.OutputContains(list, "acme/bwtrusted, workflow release.yml, environment pypi", Server, 0);

        // The next release from the same workflow: the publisher is a regular one now.
        var second = await e2e.Packages.BuildAsync(new PythonProject("bwtrusted", "1.1.0", BuildBackend.FlitCore));
        mark = Server.Requests.Mark();
        Check.Succeeded(await RunJobAsync("acme/bwtrusted", "release.yml", second.Files), Server, mark, "the second CI run");

        // Another workflow of the same repository is not the trusted one: the job says why, and uploads nothing.
        var third = await e2e.Packages.BuildAsync(new PythonProject("bwtrusted", "1.2.0", BuildBackend.FlitCore));
        mark = Server.Requests.Mark();
        var refused = await RunJobAsync("acme/bwtrusted", "nightly.yml", third.Files);
        Check.Failed(refused, Server, mark, "a CI job of an untrusted workflow");
        Check.OutputContains(refused, "* `invalid-publisher`: valid token, but no corresponding publisher", Server, mark);
        Check.OutputContains(refused, "workflow 'nightly.yml'", Server, mark);
        Check.That(!Server.Requests.Since(mark).Any(r => r.Path == "/legacy/"), "nothing should have been uploaded", Server, mark, refused);
    }

    [Fact]
    public async Task A_signed_leak_report_revokes_a_token_and_twine_then_gets_403()
    {
        Check.Succeeded(await tp.Cli.RunAsync(["user", "add", "tp-bot", "--email", "tp-bot@example.com"]), Server, 0, "user add");
        var created = await tp.Cli.RunAsync(["token", "create", "tp-bot", "--project", "bwleaky"]);
        Check.Succeeded(created, Server, 0, "token create");
        var token = created.Stdout.Trim();
        var first = await e2e.Packages.BuildAsync(new PythonProject("bwleaky", "1.0", BuildBackend.Hatchling));
        var mark = Server.Requests.Mark();
        Check.Succeeded(await e2e.Publish.TwineUploadAsync(Server.UploadUrl, token, first.Files), Server, mark, "twine upload before the leak");

        var report = JsonSerializer.Serialize(new[] { new { token, type = "bulwark_api_token", url = "https://github.com/acme/app/blob/main/.pypirc", source = "content" } });
        using (var http = Server.CreateHttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "_/secrets/disclose-token") { Content = new StringContent(report, Encoding.UTF8, "application/json") };
            request.Headers.Add("GITHUB-PUBLIC-KEY-IDENTIFIER", tp.Issuer.ReporterKeyId);
            request.Headers.Add("GITHUB-PUBLIC-KEY-SIGNATURE", tp.Issuer.SignReport(report));
            Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(request)).StatusCode);
        }

        var next = await e2e.Packages.BuildAsync(new PythonProject("bwleaky", "1.1", BuildBackend.Hatchling));
        mark = Server.Requests.Mark();
        var refused = await e2e.Publish.TwineUploadAsync(Server.UploadUrl, token, next.Files);
        Check.Failed(refused, Server, mark, "twine upload with the reported token");
        Check.OutputContains(refused, "403", Server, mark);
        Check.OutputContains(refused, "the token has been revoked", Server, mark);
    }
}
