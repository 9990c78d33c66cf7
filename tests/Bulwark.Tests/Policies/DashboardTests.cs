using System.Net;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Downloads;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Bulwark.Tests.Infrastructure.SecondFactorSeeding;

namespace Bulwark.Tests.Policies;

/// <summary>
/// The admin dashboard on a seeded instance of its own (its figures are index-wide): four maintainers who can
/// sign in (TOTP; security key; nothing; TOTP with unconfirmed recovery codes), one automation account that
/// uploaded everything, two critical projects and download counts for two projects. Every figure on the page
/// is checked against what the seed implies.
/// </summary>
public abstract class DashboardTests<TServer>(TServer server) : MandateTestBase<TServer>(server) where TServer : MandateServer
{
    [Fact]
    public async Task Dashboard_and_critical_list_show_the_figures_of_the_seeded_instance()
    {
        var totp = await CreateUserAsync("totp");
        var key = await CreateUserAsync("key");
        var none = await CreateUserAsync("none");
        var half = await CreateUserAsync("half");
        await EnrolAsync(totp, Factor.Totp);
        await EnrolAsync(key, Factor.SecurityKey);
        await EnrolAsync(half, Factor.Totp, confirm: false);

        var enforced = await ProjectWithRoleAsync(key, ProjectRoleKind.Owner, "enf");
        await AddRoleAsync(enforced, none.Id);
        var grace = await ProjectWithRoleAsync(half, ProjectRoleKind.Owner, "gra");
        var plain = await ProjectWithRoleAsync(totp, ProjectRoleKind.Owner, "pla");
        await MarkCriticalAsync(enforced, TimeSpan.FromDays(-1));
        await MarkCriticalAsync(grace, TimeSpan.FromDays(5));

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await Server.WithDbAsync(async db =>
        {
            var ids = await db.Projects.Where(p => p.Name == enforced || p.Name == plain).ToDictionaryAsync(p => p.Name, p => p.Id);
            for (var d = 1; d <= 3; d++) db.DownloadCounts.Add(new DownloadCount { FileId = 1, ProjectId = ids[enforced], Day = today.AddDays(-d), Count = 100 });
            db.DownloadCounts.Add(new DownloadCount { FileId = 2, ProjectId = ids[plain], Day = today.AddDays(-2), Count = 50 });
            // Outside the 30-day window: not counted.
            db.DownloadCounts.Add(new DownloadCount { FileId = 2, ProjectId = ids[plain], Day = today.AddDays(-31), Count = 1000 });
            return await db.SaveChangesAsync();
        });

        var (admin, browser) = await SignedInUserAsync("boss", admin: true);
        await EnrolAsync(admin, Factor.Passkey);
        await SessionMethodAsync(admin, AuthMethod.Passkey);
        var page = await browser.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.OK, page.Status);

        // Maintainers who can sign in: totp, key, none, half (the automation uploader and the admin are not counted).
        Assert.Equal("4", page.Get("#adoption-figures [data-group=all] [data-figure=total]").TextContent);
        Assert.Equal("2 (50 %)", page.Get("#adoption-figures [data-group=all] [data-figure=two-factor]").TextContent);
        Assert.Equal("1 (25 %)", page.Get("#adoption-figures [data-group=all] [data-figure=phishing-resistant]").TextContent);
        // Critical maintainers: key and none (enforced project), half (grace project).
        Assert.Equal("3", page.Get("#adoption-figures [data-group=critical] [data-figure=total]").TextContent);
        Assert.Equal("1 (33.3 %)", page.Get("#adoption-figures [data-group=critical] [data-figure=two-factor]").TextContent);
        Assert.Equal("1 (33.3 %)", page.Get("#adoption-figures [data-group=critical] [data-figure=phishing-resistant]").TextContent);
        Assert.Equal("2", page.Get("#compliance-figures [data-figure=critical]").TextContent);
        Assert.Equal("1", page.Get("#compliance-figures [data-figure=out-enforced]").TextContent);
        Assert.Equal("1", page.Get("#compliance-figures [data-figure=out-grace]").TextContent);
        Assert.Equal("300", page.Get($"#top-downloads tr[data-project='{enforced}'] [data-figure=downloads]").TextContent);
        Assert.Equal("50", page.Get($"#top-downloads tr[data-project='{plain}'] [data-figure=downloads]").TextContent);
        Assert.Equal(2, page.All("#top-downloads tbody tr").Count);

        // The charts are inline SVG drawn from the same figures: bars, a stacked bar, one line per top project.
        Assert.Equal(4, page.All("#svg-adoption rect.bar-any, #svg-adoption rect.bar-pr").Count);
        Assert.Equal(2, page.All("#svg-downloads polyline").Count);
        Assert.Contains(enforced + ": 300", page.Get("#svg-downloads").TextContent);
        Assert.Contains("Out of compliance, enforced: 1", page.Get("#svg-compliance").TextContent);
        Assert.Empty(page.All("script:not([src])"));

        var critical = await browser.GetAsync("/admin/critical");
        Assert.Equal("false", critical.Get($"#critical-projects tr[data-project='{enforced}']").GetAttribute("data-compliant"));
        Assert.Equal("PhishingResistant", critical.Get($"tr[data-project='{enforced}'] li[data-username='{key.Username}']").GetAttribute("data-level"));
        Assert.Equal("None", critical.Get($"tr[data-project='{enforced}'] li[data-username='{none.Username}']").GetAttribute("data-level"));
        Assert.Equal("Incomplete", critical.Get($"tr[data-project='{grace}'] li[data-username='{half.Username}']").GetAttribute("data-level"));
        Assert.Contains("automation", critical.All($"tr[data-project='{grace}'] li").Select(li => li.GetAttribute("data-level")));
        Assert.Null(critical.Find($"tr[data-project='{plain}']"));
    }

    private Task AddRoleAsync(string project, long userId) => Server.WithDbAsync(async db =>
    {
        var id = await db.Projects.Where(p => p.Name == project).Select(p => p.Id).SingleAsync();
        db.ProjectRoles.Add(new ProjectRole { ProjectId = id, UserId = userId, Role = ProjectRoleKind.Maintainer, CreatedAt = DateTimeOffset.UtcNow });
        return await db.SaveChangesAsync();
    });
}

public sealed class DashboardTestsSqlite(MandateSqliteServer server) : DashboardTests<MandateSqliteServer>(server), IClassFixture<MandateSqliteServer>;

public sealed class DashboardTestsPostgres(MandatePostgresServer server) : DashboardTests<MandatePostgresServer>(server), IClassFixture<MandatePostgresServer>;
