using System.Net;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>Reports from the project page, observations through the danger API, and the observer role verb.</summary>
public abstract class ReportTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task A_signed_in_user_reports_a_release_from_the_project_page_and_bad_input_is_named()
    {
        var (name, _) = await PublishAsync(null, "1.0", "1.1");
        var anonymous = await Server.CreateClient(new() { AllowAutoRedirect = false }).GetAsync($"/project/{name}/report");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/account/login", anonymous.Headers.Location!.ToString());

        var (user, browser) = await SignedInUserAsync("rep");
        var project = await browser.GetAsync($"/project/{name}/");
        var form = await browser.GetAsync(project.Get("#report-link").GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, form.Status);

        var empty = await browser.SubmitAsync(form, "#report-form", [Field("Kind", "Malware"), Field("Summary", "  ")]);
        Assert.Contains("Describe the problem in the summary.", empty.Get("#form-errors").TextContent);
        var script = await browser.SubmitAsync(form, "#report-form", [Field("Kind", "Malware"), Field("Summary", "steals tokens"), Field("EvidenceUrl", "javascript:alert(1)")]);
        Assert.Contains("The evidence URL must be an http or https URL", script.Get("#form-errors").TextContent);
        var badVersion = await browser.SubmitAsync(form, "#report-form", [Field("Kind", "Spam"), Field("Summary", "spam"), Field("Version", "9.9")]);
        Assert.Contains("has no release '9.9'", badVersion.Get("#form-errors").TextContent);
        Assert.Equal(0, await Server.WithDbAsync(db => db.ProjectReports.CountAsync(r => r.ProjectName == name)));

        var sent = await browser.SubmitAsync(form, "#report-form",
            [Field("Kind", "Malware"), Field("Version", "1.1"), Field("Summary", "setup.py posts ~/.pypirc"), Field("EvidenceUrl", "https://inspector.example/x")]);
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Contains("your report was sent", sent.Text);
        var report = await Server.WithDbAsync(db => db.ProjectReports.SingleAsync(r => r.ProjectName == name));
        Assert.Equal((ReportKind.Malware, "1.1", user.Id, false, "https://inspector.example/x"), (report.Kind, report.Version, report.ReporterUserId!.Value, report.FromObserver, report.EvidenceUrl));
        var audited = await AuditAsync(e => e.Type == AuditEventType.ProjectReported && e.ProjectId == report.ProjectId);
        Assert.Contains("\"version\":\"1.1\"", Assert.Single(audited).Details);
        // One untrusted report quarantines nothing.
        Assert.Contains(".whl", await SimpleHtmlAsync(name));
        Assert.DoesNotContain("quarantined", await SimpleHtmlAsync(name));
    }

    [Fact]
    public async Task Observations_need_an_observer_token_and_name_the_bad_field()
    {
        var (name, _) = await PublishAsync(null, "1.0");
        await AgeProjectAsync(name, TimeSpan.FromDays(10));
        var body = new { kind = "is_malware", summary = "exfiltrates env", inspector_url = "https://inspector.example/y" };

        var none = await ObserveAsync(null, name, body);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ObserveAsync("bulwark_nottoken", name, body)).StatusCode);
        var plainToken = await Server.CreateTokenAsync("plain" + Guid.NewGuid().ToString("N")[..8]);
        var notObserver = await ObserveAsync(plainToken, name, body);
        Assert.Equal(HttpStatusCode.Forbidden, notObserver.StatusCode);
        Assert.Contains("does not have the observer role", await notObserver.Content.ReadAsStringAsync());

        var (_, token) = await ObserverAsync();
        await AssertFieldAsync(await ObserveAsync(token, name, new { kind = "is_malware", summary = "no link" }), "inspector_url");
        await AssertFieldAsync(await ObserveAsync(token, name, new { kind = "is_evil", summary = "x", inspector_url = "https://i.example/" }), "kind");
        await AssertFieldAsync(await ObserveAsync(token, name, new { kind = "is_spam", summary = "" }), "summary");
        await AssertFieldAsync(await ObserveAsync(token, name, new { kind = "is_spam", summary = 5 }), "summary");
        Assert.Equal(HttpStatusCode.NotFound, (await ObserveAsync(token, "no-such-project-" + Guid.NewGuid().ToString("N")[..6], body)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ObserveAsync(token, name, new { kind = "is_spam", summary = "x", version = "7.0" })).StatusCode);
        Assert.Equal(0, await Server.WithDbAsync(db => db.ProjectReports.CountAsync(r => r.ProjectName == name)));

        var accepted = await ObserveAsync(token, name, body);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var report = await Server.WithDbAsync(db => db.ProjectReports.SingleAsync(r => r.ProjectName == name));
        Assert.True(report.FromObserver);
        Assert.Equal(ReportKind.Malware, report.Kind);
        // A trusted report on a project older than a day is queued, not acted on.
        Assert.DoesNotContain("quarantined", await SimpleHtmlAsync(name));
    }

    [Fact]
    public async Task Observation_strings_that_are_not_text_are_refused_naming_the_field()
    {
        var (name, _) = await PublishAsync(null, "1.0");
        var (_, token) = await ObserverAsync();
        // JsonDocument parses these; reading them as .NET strings threw (500), and NUL failed at PostgreSQL (500).
        (string Body, string Field, string Says)[] cases =
        [
            ("{\"kind\": \"is_spam\", \"summary\": \"\\ud800\"}", "summary", "not valid Unicode"),
            ("{\"kind\": \"\\udc00\\ud800\"}", "kind", "not valid Unicode"),
            ("{\"kind\": \"is_spam\", \"summary\": \"s\", \"version\": \"\\udfff\"}", "version", "not valid Unicode"),
            ("{\"kind\": \"is_spam\", \"summary\": \"a\\u0000b\"}", "summary", "NUL character"),
            ("{\"kind\": \"is_spam\", \"summary\": \"s\", \"version\": \"1.0\\u0000\"}", "version", "NUL character"),
            ("{\"kind\": \"is_malware\", \"summary\": \"s\", \"inspector_url\": \"https://i.example/\\u0000\"}", "inspector_url", "NUL character"),
        ];
        foreach (var (body, field, says) in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/danger-api/projects/{name}/observations")
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var response = await Server.CreateClient().SendAsync(request);
            await AssertFieldAsync(response, field);
            Assert.Contains(says, await response.Content.ReadAsStringAsync());
        }
        using var invalidUtf8 = new HttpRequestMessage(HttpMethod.Post, $"/danger-api/projects/{name}/observations")
        {
            Content = new ByteArrayContent([.. System.Text.Encoding.ASCII.GetBytes("{\"kind\": \"is_spam\", \"summary\": \""), 0xFF, 0xFE, .. System.Text.Encoding.ASCII.GetBytes("\"}")]),
        };
        invalidUtf8.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        invalidUtf8.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        await AssertFieldAsync(await Server.CreateClient().SendAsync(invalidUtf8), "summary");
        Assert.Equal(0, await Server.WithDbAsync(db => db.ProjectReports.CountAsync(r => r.ProjectName == name)));
    }

    [Fact]
    public async Task The_role_verb_grants_and_removes_the_observer_role_and_is_audited()
    {
        var help = await CliAsync("user", "role", "--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("--remove", help.Out);
        var username = "role" + Guid.NewGuid().ToString("N")[..8];
        await Server.CreateTokenAsync(username);

        var grant = await CliAsync("user", "role", username, "observer");
        Assert.Equal((0, $"'{username}' is now an observer."), (grant.Exit, grant.Out.Trim()));
        Assert.True(await Server.WithDbAsync(db => db.Users.Where(u => u.Username == username).Select(u => u.IsObserver).SingleAsync()));
        var again = await CliAsync("user", "role", username, "observer");
        Assert.Contains("already an observer", again.Out);
        var remove = await CliAsync("user", "role", username, "observer", "--remove");
        Assert.Equal(0, remove.Exit);
        Assert.False(await Server.WithDbAsync(db => db.Users.Where(u => u.Username == username).Select(u => u.IsObserver).SingleAsync()));
        var unknown = await CliAsync("user", "role", "nobody-" + Guid.NewGuid().ToString("N")[..6], "observer");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("There is no account named", unknown.Err);
        var wrongRole = await CliAsync("user", "role", username, "wizard");
        Assert.NotEqual(0, wrongRole.Exit);

        var events = await Server.WithDbAsync(async db =>
        {
            var id = await db.Users.Where(u => u.Username == username).Select(u => u.Id).SingleAsync();
            return await db.AuditEvents.Where(e => e.UserId == id && e.Type == AuditEventType.ObserverRoleChanged).OrderBy(e => e.Id).Select(e => e.Details).ToListAsync();
        });
        Assert.Equal(2, events.Count);
        Assert.Contains("\"observer\":true", events[0]);
        Assert.Contains("\"observer\":false", events[1]);
    }

    private static async Task AssertFieldAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal(field, JsonDocument.Parse(text).RootElement.GetProperty("field").GetString());
    }
}

public sealed class ReportTestsSqlite(SqliteServer s) : ReportTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class ReportTestsPostgres(PostgresServer s) : ReportTests<PostgresServer>(s), IClassFixture<PostgresServer>;
