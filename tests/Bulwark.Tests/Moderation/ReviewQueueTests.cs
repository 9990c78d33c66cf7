using System.Net;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>The review queue at /admin/reports, its verdicts and <c>report list</c>.</summary>
public abstract class ReviewQueueTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    private async Task<(string Email, string Username)> ReportAsync(string project, string kind = "Malware", string? version = null, string summary = "bad")
    {
        var (user, browser) = await SignedInUserAsync("rep");
        var form = await browser.GetAsync($"/project/{project}/report");
        var sent = await browser.SubmitAsync(form, "#report-form", [Field("Kind", kind), Field("Version", version ?? ""), Field("Summary", summary)]);
        Assert.Contains("your report was sent", sent.Text);
        return (user.Email, user.Username);
    }

    private static string Entry(string name) => $"section.queue-entry[data-project='{ProjectName.Normalize(name)}']";

    [Fact]
    public async Task The_queue_shows_projects_newest_first_with_age_maintainers_reports_and_findings()
    {
        var owner = await CreateUserAsync("own");
        var (older, _) = await PublishAsync(owner, "1.0");
        var (newer, _) = await PublishAsync(null, "1.0");
        await AgeProjectAsync(older, TimeSpan.FromDays(5));
        await ReportAsync(older, summary: "first report");
        var (_, reporter) = await ReportAsync(newer, kind: "Typosquat", summary: "looks like requests");
        await Server.WithDbAsync(async db =>
        {
            var id = await db.Projects.Where(p => p.Name == newer).Select(p => p.Id).SingleAsync();
            db.ModerationFindings.Add(new ModerationFinding { ProjectId = id, ProjectName = newer, Detector = "typosquat", Summary = "one edit from 'requests'", CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });

        var (_, totpAdmin) = await SignedInUserAsync("adm", admin: true);
        Assert.Equal(HttpStatusCode.Forbidden, (await totpAdmin.GetAsync("/admin/reports")).Status);
        var (_, plainUser) = await SignedInUserAsync("usr");
        Assert.Equal(HttpStatusCode.Forbidden, (await plainUser.GetAsync("/admin/reports")).Status);

        var (_, admin) = await AdminAsync();
        var page = await admin.GetAsync("/admin/reports");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var order = page.All("section.queue-entry").Select(e => e.GetAttribute("data-project")).ToList();
        Assert.True(order.IndexOf(ProjectName.Normalize(newer)) < order.IndexOf(ProjectName.Normalize(older)), string.Join(", ", order));
        Assert.Contains("5 days", page.Get($"{Entry(older)} [data-field=age]").TextContent);
        Assert.NotNull(page.Find($"{Entry(older)} [data-field=maintainers] a[data-username='{owner.Username}']"));
        Assert.Contains("first report", page.Get($"{Entry(older)} .report-summary").TextContent);
        Assert.Contains(reporter, page.Get($"{Entry(newer)} table.reports").TextContent);
        Assert.Contains("one edit from 'requests'", page.Get($"{Entry(newer)} [data-field=findings]").TextContent);
        Assert.Contains("No detector findings", page.Get($"{Entry(older)} [data-field=findings]").TextContent);
    }

    [Fact]
    public async Task Not_malware_closes_the_reports_and_tells_each_reporter()
    {
        var (name, _) = await PublishAsync(null, "1.0");
        var (email, _) = await ReportAsync(name);
        var (_, admin) = await AdminAsync();
        var page = await admin.GetAsync("/admin/reports");
        var done = await admin.SubmitAsync(page, $"{Entry(name)} form.dismiss-form");
        Assert.Contains($"Closed 1 report on {name} as not malware.", done.Text);
        Assert.Null(done.Find(Entry(name)));
        var report = await Server.WithDbAsync(db => db.ProjectReports.SingleAsync(r => r.ProjectName == name));
        Assert.Equal(ReportVerdict.NotMalware, report.Verdict);
        Assert.NotNull(report.ClosedAt);
        var mail = await PickupMail.WaitForAsync(Server, email, $"Your report about {name}");
        Assert.Contains("not malware", mail.TextBody);
        Assert.Contains(".whl", await SimpleHtmlAsync(name));

        var open = await CliAsync("report", "list", "--open", "--json");
        Assert.DoesNotContain(name, open.Out);
        var all = await CliAsync("report", "list", "--json");
        var line = all.Out.Split('\n').Single(l => l.Contains(name));
        Assert.Equal("not malware: no action was taken", JsonDocument.Parse(line).RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Quarantine_verdict_needs_the_typed_name_and_quarantines_the_chosen_release()
    {
        var owner = await CreateUserAsync("own");
        var (name, _) = await PublishAsync(owner, "1.0", "1.1");
        var (email, _) = await ReportAsync(name, version: "1.1");
        var listed = await CliAsync("report", "list", "--open");
        Assert.Contains($"{name} 1.1\tMalware", listed.Out);
        var (_, admin) = await AdminAsync();
        var page = await admin.GetAsync("/admin/reports");
        Assert.NotNull(page.Find($"{Entry(name)} form.verdict-form input[name=versions][value='1.1']"));
        var unconfirmed = await admin.FollowAsync(await admin.Client.PostAsync("/admin/reports?handler=Quarantine", new FormUrlEncodedContent(
            [Field("project", name), Field("versions", "1.1"), Field("reason", "malicious setup.py"), Field("confirm", "wrong"), Token(page)])));
        Assert.Contains("to confirm", unconfirmed.Text);
        Assert.Contains("-1.1-", await SimpleHtmlAsync(name));

        var response = await admin.Client.PostAsync("/admin/reports?handler=Quarantine", new FormUrlEncodedContent(
            [Field("project", name), Field("versions", "1.1"), Field("reason", "malicious setup.py"), Field("confirm", name), Token(page)]));
        var done = await admin.FollowAsync(response);
        Assert.Contains($"Quarantined {name} 1.1.", done.Text);
        var html = await SimpleHtmlAsync(name);
        Assert.DoesNotContain("-1.1-", html);
        Assert.Contains("-1.0-", html);
        Assert.Equal(ReportVerdict.Quarantined, (await Server.WithDbAsync(db => db.ProjectReports.SingleAsync(r => r.ProjectName == name))).Verdict);
        await PickupMail.WaitForAsync(Server, owner.Email, $"Releases of {name} were quarantined");
        await PickupMail.WaitForAsync(Server, email, $"Your report about {name}: quarantined");
    }

    [Fact]
    public async Task Remove_verdict_removes_the_project_prohibits_its_name_and_freezes_the_uploader()
    {
        var (name, uploaderToken) = await PublishAsync(null, "1.0");
        await ReportAsync(name);
        var (_, admin) = await AdminAsync();
        var page = await admin.GetAsync("/admin/reports");
        var response = await admin.Client.PostAsync("/admin/reports?handler=Remove", new FormUrlEncodedContent(
            [Field("project", name), Field("reason", "credential stealer"), Field("freeze", "true"), Field("confirm", name.ToUpperInvariant()), Token(page)]));
        var done = await admin.FollowAsync(response);
        Assert.Contains($"Removed {name} and its 1 files; the name is prohibited.", done.Text);
        Assert.Contains("Frozen: bot", done.Text);

        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync($"/simple/{name}/"));
        Assert.False(await Server.WithDbAsync(db => db.Projects.AnyAsync(p => p.Name == name)));
        var report = await Server.WithDbAsync(db => db.ProjectReports.SingleAsync(r => r.ProjectName == name));
        Assert.Equal((ReportVerdict.Removed, (long?)null), (report.Verdict, report.ProjectId));
        var again = await TryUploadAsync(await Server.CreateTokenAsync("fresh" + Guid.NewGuid().ToString("N")[..8]), new TestDistributions.Spec(name.Replace('-', '_'), "1.0"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("isn't allowed", again.ReasonPhrase);
        var frozen = await TryUploadAsync(uploaderToken, new TestDistributions.Spec(UniqueName("other"), "1.0"));
        Assert.Equal(HttpStatusCode.Forbidden, frozen.StatusCode);
        Assert.Contains("frozen", frozen.ReasonPhrase);
        Assert.Single(await AuditAsync(e => e.Type == AuditEventType.MalwareRemoved && e.Details!.Contains(name)));
        Assert.Single(await AuditAsync(e => e.Type == AuditEventType.AccountFrozenForMalware && e.Details!.Contains(name)));
    }

    private static KeyValuePair<string, string> Token(HtmlPage page) =>
        Field("__csrf", page.Get("input[name=__csrf]").GetAttribute("value")!);
}

public sealed class ReviewQueueTestsSqlite(SqliteServer s) : ReviewQueueTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class ReviewQueueTestsPostgres(PostgresServer s) : ReviewQueueTests<PostgresServer>(s), IClassFixture<PostgresServer>;
