using System.Net;
using Bulwark.Core.Audit;
using Bulwark.Core.Moderation;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>Warehouse's automatic quarantine rules, on the default thresholds, and their audit trail.</summary>
public abstract class AutoQuarantineTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    private static object Malware(string? version = null) =>
        new { kind = "is_malware", summary = "credential stealer in setup.py", inspector_url = "https://inspector.example/z", version };

    private Task<ProjectLifecycle> LifecycleAsync(string name) =>
        Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).Select(p => p.Lifecycle).SingleAsync());

    [Fact]
    public async Task A_trusted_malware_report_on_a_project_younger_than_a_day_quarantines_it_and_mails_the_maintainers()
    {
        var owner = await CreateUserAsync("own");
        var (name, _) = await PublishAsync(owner, "1.0");
        var (_, token) = await ObserverAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await ObserveAsync(token, name, Malware())).StatusCode);

        Assert.Equal(ProjectLifecycle.Quarantined, await LifecycleAsync(name));
        var html = await SimpleHtmlAsync(name);
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"quarantined\">", html);
        Assert.DoesNotContain(".whl", html);
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync($"/pypi/{name}/json"));
        var audit = Assert.Single(await AuditAsync(e => e.Type == AuditEventType.ProjectQuarantined && e.Details!.Contains(name)));
        Assert.Contains(AutoQuarantine.NewProjectRule, audit.Details);
        Assert.Null(audit.ActorUserId);
        var mail = await PickupMail.WaitForAsync(Server, owner.Email, $"{name} was quarantined");
        Assert.Contains("automatic quarantine", mail.TextBody);

        // The queue shows the automatic action; "not malware" closes the report and lifts the quarantine.
        var (_, admin) = await AdminAsync();
        var page = await admin.GetAsync("/admin/reports");
        var entry = $"section.queue-entry[data-project='{ProjectName.Normalize(name)}']";
        Assert.Contains(AutoQuarantine.NewProjectRule, page.Get($"{entry} [data-field=actions] li[data-type=ProjectQuarantined]").TextContent);
        Assert.Equal("true", page.Get($"{entry} [data-field=trusted]").ParentElement!.ParentElement!.GetAttribute("data-open"));
        var dismissed = await admin.SubmitAsync(page, $"{entry} form.dismiss-form");
        Assert.Contains($"Lifted the quarantine of {name}.", dismissed.Text);
        Assert.Equal(ProjectLifecycle.Active, await LifecycleAsync(name));
        Assert.Contains(".whl", await SimpleHtmlAsync(name));
    }

    [Fact]
    public async Task On_an_older_project_it_takes_two_reporters_one_of_them_trusted()
    {
        var (name, _) = await PublishAsync(null, "1.0");
        await AgeProjectAsync(name, TimeSpan.FromDays(3));
        var (_, token) = await ObserverAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await ObserveAsync(token, name, Malware())).StatusCode);
        // The same observer again is still one reporter.
        Assert.Equal(HttpStatusCode.Accepted, (await ObserveAsync(token, name, Malware())).StatusCode);
        Assert.Equal(ProjectLifecycle.Active, await LifecycleAsync(name));

        var (_, browser) = await SignedInUserAsync("second");
        var form = await browser.GetAsync($"/project/{name}/report");
        await browser.SubmitAsync(form, "#report-form", [Field("Kind", "Malware"), Field("Summary", "same thing")]);
        Assert.Equal(ProjectLifecycle.Quarantined, await LifecycleAsync(name));
        Assert.Contains(AutoQuarantine.ReporterRule, Assert.Single(await AuditAsync(e => e.Type == AuditEventType.ProjectQuarantined && e.Details!.Contains(name))).Details);
    }

    [Fact]
    public async Task Reports_naming_a_release_quarantine_that_release_only_and_untrusted_reports_alone_do_nothing()
    {
        var (name, _) = await PublishAsync(null, "1.0", "1.1");
        await AgeProjectAsync(name, TimeSpan.FromDays(3));
        foreach (var stem in new[] { "u1", "u2", "u3" })
        {
            var (_, browser) = await SignedInUserAsync(stem);
            var form = await browser.GetAsync($"/project/{name}/report?version=1.1");
            await browser.SubmitAsync(form, "#report-form", [Field("Kind", "Malware"), Field("Summary", "bad 1.1")]);
        }
        Assert.Equal(3, await Server.WithDbAsync(db => db.ProjectReports.CountAsync(r => r.ProjectName == name && r.Version == "1.1")));
        Assert.Contains("-1.1-", await SimpleHtmlAsync(name));

        var (_, token) = await ObserverAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await ObserveAsync(token, name, Malware("1.1"))).StatusCode);
        Assert.Equal(ProjectLifecycle.Active, await LifecycleAsync(name));
        var html = await SimpleHtmlAsync(name);
        Assert.DoesNotContain("-1.1-", html);
        Assert.Contains("-1.0-", html);
        var audit = Assert.Single(await AuditAsync(e => e.Type == AuditEventType.ReleasesQuarantined && e.Details!.Contains(name)));
        Assert.Contains("\"versions\":[\"1.1\"]", audit.Details);
    }

    [Fact]
    public void Thresholds_out_of_range_are_named_by_key()
    {
        Assert.Empty(new ModerationOptions().Problems());
        Assert.Contains("Bulwark:Moderation:DistinctReporters", Assert.Single(new ModerationOptions { DistinctReporters = 1 }.Problems()));
        Assert.Contains("Bulwark:Moderation:TrustedReporters", Assert.Single(new ModerationOptions { TrustedReporters = 3 }.Problems()));
        Assert.Contains("Bulwark:Moderation:NewProjectAge", Assert.Single(new ModerationOptions { NewProjectAge = TimeSpan.FromDays(-1) }.Problems()));
    }
}

/// <summary>A bad threshold stops the server at start with the key in the message.</summary>
public class ModerationOptionsStartTests
{
    private sealed class ConfiguredServer(string key, string value) : BulwarkServer(DatabaseKind.Sqlite)
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings => [new(key, value)];
    }

    [Theory]
    [InlineData("Bulwark:Moderation:DistinctReporters", "1")]
    [InlineData("Bulwark:Moderation:TrustedReporters", "0")]
    [InlineData("Bulwark:Moderation:NewProjectAge", "40.00:00:00")]
    public async Task A_bad_value_stops_the_server_naming_the_key(string key, string value)
    {
        var server = new ConfiguredServer(key, value);
        var error = await Record.ExceptionAsync(() => ((IAsyncLifetime)server).InitializeAsync());
        Assert.NotNull(error);
        Assert.Contains(key, error.ToString());
        try { await ((IAsyncLifetime)server).DisposeAsync(); } catch (Exception) { /* the host never started */ }
    }
}

public sealed class AutoQuarantineTestsSqlite(SqliteServer s) : AutoQuarantineTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class AutoQuarantineTestsPostgres(PostgresServer s) : AutoQuarantineTests<PostgresServer>(s), IClassFixture<PostgresServer>;
