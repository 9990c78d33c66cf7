using System.Net;
using Bulwark.Core.Moderation;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>The cap on reports per account and hour (<c>Bulwark:Moderation:ReportsPerHour</c>, 10 by default), on both edges.</summary>
public abstract class ReportRateLimitTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    private static readonly int Limit = new ModerationOptions().ReportsPerHour;

    /// <summary>Reports the account filed <paramref name="ago"/> before now, as if through the page.</summary>
    private Task SeedReportsAsync(long userId, string project, int count, TimeSpan ago) => Server.WithDbAsync(async db =>
    {
        var id = await db.Projects.Where(p => p.Name == project).Select(p => p.Id).SingleAsync();
        for (var i = 0; i < count; i++)
        {
            db.ProjectReports.Add(new ProjectReport
            {
                ProjectId = id, ProjectName = project, ReporterUserId = userId, Kind = ReportKind.Spam, Summary = $"seeded {i}",
                CreatedAt = DateTimeOffset.UtcNow - ago,
            });
        }
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task The_report_page_answers_429_with_retry_after_once_the_hourly_cap_is_reached()
    {
        var (name, _) = await PublishAsync(null, "1.0");
        var (user, browser) = await SignedInUserAsync("rl");
        // Reports older than the hour do not count.
        await SeedReportsAsync(user.Id, name, Limit, TimeSpan.FromMinutes(61));
        await SeedReportsAsync(user.Id, name, Limit - 1, TimeSpan.FromMinutes(50));
        var form = await browser.GetAsync($"/project/{name}/report");
        var last = await browser.SubmitAsync(form, "#report-form", [Field("Kind", "Spam"), Field("Summary", "the last one allowed")]);
        Assert.Contains("your report was sent", last.Text);

        var response = await browser.SubmitRawAsync(form, "#report-form", [Field("Kind", "Spam"), Field("Summary", "one too many")]);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var wait = Assert.Single(response.Headers.GetValues("Retry-After"));
        // The oldest counted report (50 minutes ago) leaves the window in about 10 minutes.
        Assert.InRange(int.Parse(wait, System.Globalization.CultureInfo.InvariantCulture), 9 * 60, 10 * 60 + 5);
        var page = await Browser.ParseAsync(response);
        Assert.Contains($"You have filed {Limit} reports in the last hour", page.Get("#form-errors").TextContent);
        Assert.Equal(0, await Server.WithDbAsync(db => db.ProjectReports.CountAsync(r => r.Summary == "one too many")));
    }

    [Fact]
    public async Task The_observation_api_answers_429_with_retry_after_once_the_hourly_cap_is_reached()
    {
        var (name, _) = await PublishAsync(null, "1.0");
        var (observer, token) = await ObserverAsync();
        var observerId = await Server.WithDbAsync(db => db.Users.Where(u => u.Username == observer).Select(u => u.Id).SingleAsync());
        await SeedReportsAsync(observerId, name, Limit, TimeSpan.FromMinutes(30));

        var refused = await ObserveAsync(token, name, new { kind = "is_spam", summary = "one too many" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 29 * 60, 30 * 60 + 5);
        Assert.Contains("reports in the last hour", await refused.Content.ReadAsStringAsync());

        var (_, other) = await ObserverAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await ObserveAsync(other, name, new { kind = "is_spam", summary = "another observer" })).StatusCode);
    }
}

public sealed class ReportRateLimitTestsSqlite(SqliteServer s) : ReportRateLimitTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class ReportRateLimitTestsPostgres(PostgresServer s) : ReportRateLimitTests<PostgresServer>(s), IClassFixture<PostgresServer>;
