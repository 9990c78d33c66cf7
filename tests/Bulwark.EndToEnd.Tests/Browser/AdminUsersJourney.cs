using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Core.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bulwark.EndToEnd.Tests.Browser;

/// <summary>The account pages of the admin area in Chromium: freeze, the compromise-window review and its one step.</summary>
public sealed partial class SecondFactorJourneyTests
{
    /// <summary>A new administrator who enrolled a passkey and signed in with it (the admin area's rule); the page is theirs.</summary>
    private async Task<IPage> PasskeyAdminPageAsync()
    {
        var admin = "adm" + Guid.NewGuid().ToString("N")[..6];
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<UserService>()
                .CreateAsync(admin, $"{admin}@example.com", WebJourney.Password, true, true, new Actor("e2e", "e2e"));
            Assert.True(created.Succeeded, created.Refusal?.Message);
        }
        var page = await chromium.NewPageAsync(Server.BaseUri);
        await AddVirtualAuthenticatorAsync(page);
        await WebJourney.SignInAsync(page, admin);
        await AddKeyAsync(page, passkey: true, "admin passkey");
        await SaveRecoveryCodesAsync(page);
        await SignOutAsync(page);
        await page.GotoAsync("/account/login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page.Locator(".account-nav")).ToContainTextAsync(admin);
        return page;
    }

    /// <summary>
    /// An account owning a project with 1.0 and 1.1, a token, and the 1.1 upload in its audit trail as the upload path
    /// records it (the uploads themselves are exercised with twine in IncidentReplayTests).
    /// </summary>
    private async Task<(string Username, string Project, Guid TokenId)> CompromisedAccountAsync()
    {
        var (username, _) = await CreateUserAsync("vic");
        var name = "journey-" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = Server.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<Core.Data.BulwarkDbContext>();
        var user = (await sp.GetRequiredService<UserService>().FindByUsernameAsync(username))!;
        var project = new Project { Name = name, NormalizedName = name, UltranormalizedName = ProjectName.Ultranormalize(name), CreatedAt = DateTimeOffset.UtcNow.AddDays(-300) };
        project.Releases.Add(new Release { Version = "1.0", CanonicalVersion = "1", CreatedAt = DateTimeOffset.UtcNow.AddDays(-300) });
        project.Releases.Add(new Release { Version = "1.1", CanonicalVersion = "1.1", CreatedAt = DateTimeOffset.UtcNow });
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        db.ProjectRoles.Add(new ProjectRole { ProjectId = project.Id, UserId = user.Id, Role = ProjectRoleKind.Owner, CreatedAt = DateTimeOffset.UtcNow });
        var token = await sp.GetRequiredService<ApiTokenService>().CreateAsync(user, "ci", [], null, new Actor("198.51.100.7", "twine/6.1.0", user.Id));
        sp.GetRequiredService<AuditLog>().Record(AuditEventType.FileAdded, new Actor("203.0.113.9", "twine/6.1.0", user.Id, token.Entity.Id), user.Id, project.Id,
            new FileAuditDetails($"{name}-1.1.tar.gz", "1.1", new string('0', 64)));
        await db.SaveChangesAsync();
        return (username, name, token.Entity.Id);
    }

    [Fact]
    public async Task An_administrator_with_a_passkey_freezes_an_account_reviews_its_window_and_responds_in_one_step()
    {
        var (username, name, tokenId) = await CompromisedAccountAsync();
        var page = await PasskeyAdminPageAsync();

        await page.GotoAsync("/admin/users");
        await page.Locator("#lookup-name").FillAsync(username);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await Expect(page.Locator("#standing")).ToHaveAttributeAsync("data-standing", "active");
        await Expect(page.Locator($"#roles tr[data-project='{name}']")).ToContainTextAsync("Owner");
        await ShotAsync(page, "admin-user.png");

        await page.Locator("#freeze-reason").FillAsync("token stolen from a CI log");
        await page.Locator("#confirm-freeze").FillAsync(username);
        await page.GetByRole(AriaRole.Button, new() { Name = "Freeze", Exact = true }).ClickAsync();
        await Expect(page.Locator(".flash")).ToContainTextAsync($"Froze '{username}'");
        await Expect(page.Locator("#standing")).ToHaveAttributeAsync("data-standing", "frozen");
        await ShotAsync(page, "admin-user-frozen.png");

        await page.Locator("#activity-link").ClickAsync();
        await Expect(page.Locator("#activity tr[data-type=upload]")).ToContainTextAsync($"{name} 1.1");
        await Expect(page.Locator("#activity tr[data-type=upload]")).ToHaveAttributeAsync("data-token", tokenId.ToString());
        await ShotAsync(page, "admin-user-activity.png");

        var form = page.Locator("#respond-form");
        await form.Locator($"input[name=releases][value='{name}==1.1']").CheckAsync();
        await form.Locator("#respond-reason").FillAsync("uploaded with the stolen token");
        await form.Locator("#confirm-respond").FillAsync(username);
        await form.GetByRole(AriaRole.Button, new() { Name = "Revoke and act" }).ClickAsync();
        await Expect(page.Locator(".flash")).ToContainTextAsync($"quarantined {name}==1.1");
        await ShotAsync(page, "admin-user-responded.png");
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Core.Data.BulwarkDbContext>();
        Assert.Equal(ReleaseLifecycle.Quarantined, await db.Releases.Where(r => r.Project.Name == name && r.Version == "1.1").Select(r => r.Lifecycle).SingleAsync());
        Assert.Equal(ReleaseLifecycle.Active, await db.Releases.Where(r => r.Project.Name == name && r.Version == "1.0").Select(r => r.Lifecycle).SingleAsync());
        Assert.NotNull(await db.ApiTokens.Where(t => t.Id == tokenId).Select(t => t.RevokedAt).SingleAsync());
    }
}
