using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bulwark.EndToEnd.Tests.Browser;

/// <summary>The incident-response admin pages in Chromium: an administrator signed in with a passkey works the report queue.</summary>
public sealed partial class SecondFactorJourneyTests
{
    /// <summary>A project with releases 1.0 and 1.1 and a malware report on 1.1 from another account.</summary>
    private async Task<string> ReportedProjectAsync()
    {
        var name = "journey-" + Guid.NewGuid().ToString("N")[..8];
        var (reporter, _) = await CreateUserAsync("rep");
        await using var scope = Server.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<Core.Data.BulwarkDbContext>();
        var project = new Project { Name = name, NormalizedName = name, UltranormalizedName = ProjectName.Ultranormalize(name), CreatedAt = DateTimeOffset.UtcNow.AddDays(-3) };
        project.Releases.Add(new Release { Version = "1.0", CanonicalVersion = "1", CreatedAt = DateTimeOffset.UtcNow.AddDays(-3) });
        project.Releases.Add(new Release { Version = "1.1", CanonicalVersion = "1.1", CreatedAt = DateTimeOffset.UtcNow });
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        var user = (await sp.GetRequiredService<UserService>().FindByUsernameAsync(reporter))!;
        var filed = await sp.GetRequiredService<ReportFiling>().FileAsync(
            new ReportRequest(name, "1.1", ReportKind.Malware, "setup.py sends ~/.pypirc to a paste site", "https://inspector.example/journey"),
            user, asObserver: false, new Actor("e2e", "e2e"));
        Assert.True(filed.Succeeded, filed.Refusal?.Message);
        return name;
    }

    [Fact]
    public async Task An_administrator_with_a_passkey_quarantines_a_reported_release_and_prohibits_a_name()
    {
        var name = await ReportedProjectAsync();
        var page = await PasskeyAdminPageAsync();

        await page.GotoAsync("/admin/reports");
        var entry = page.Locator($"section.queue-entry[data-project='{name}']");
        await Expect(entry.Locator(".report-summary")).ToContainTextAsync("setup.py sends ~/.pypirc");
        await ShotAsync(page, "admin-reports-queue.png");

        var verdict = entry.Locator("form.verdict-form");
        await verdict.Locator("input[name=versions][value='1.1']").CheckAsync();
        await verdict.Locator("input[name=reason]").FillAsync("credential stealer in 1.1");
        await verdict.Locator("input[name=confirm]").FillAsync(name);
        await verdict.GetByRole(AriaRole.Button, new() { Name = "Quarantine", Exact = true }).ClickAsync();
        await Expect(page.Locator(".flash")).ToContainTextAsync($"Quarantined {name} 1.1.");
        await ShotAsync(page, "admin-reports-quarantined.png");
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Core.Data.BulwarkDbContext>();
            Assert.Equal(ReleaseLifecycle.Quarantined, await db.Releases.Where(r => r.Project.Name == name && r.Version == "1.1").Select(r => r.Lifecycle).SingleAsync());
            Assert.Equal(ReleaseLifecycle.Active, await db.Releases.Where(r => r.Project.Name == name && r.Version == "1.0").Select(r => r.Lifecycle).SingleAsync());
        }

        await page.GotoAsync("/admin/names");
        var prohibited = "typo-" + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#prohibit-name").FillAsync(prohibited);
        await page.Locator("#prohibit-comment").FillAsync("typosquat of journey");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prohibit", Exact = true }).ClickAsync();
        await Expect(page.Locator($"#prohibited-names tr[data-name='{prohibited}']")).ToContainTextAsync("typosquat of journey");
        await ShotAsync(page, "admin-prohibited-names.png");
    }
}
