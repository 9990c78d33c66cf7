using System.Text.RegularExpressions;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.EndToEnd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Bulwark.EndToEnd.Tests.Browser;

/// <summary>
/// Signing in to an account under a password-guessing attack, in Chromium: the sign-in page's own script
/// solves the proof of work, and the link mailed to the owner finishes the sign-in in that browser.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class SignInUnderAttackJourneyTests(EndToEndFixture e2e, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Past_the_accounts_limit_the_page_solves_the_puzzle_and_the_mailed_link_finishes_the_sign_in()
    {
        var username = "besieged" + Guid.NewGuid().ToString("N")[..6];
        var email = $"{username}@example.com";
        long userId;
        await using (var scope = e2e.Server.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<UserService>()
                .CreateAsync(username, email, WebJourney.Password, false, true, new Actor("e2e", "bulwark end-to-end tests"));
            Assert.True(created.Succeeded, created.Refusal?.Message);
            userId = created.Value.Id;
            // Ten wrong passwords for this account from ten other networks: its limit has tripped.
            var throttle = scope.ServiceProvider.GetRequiredService<AuthThrottle>();
            for (var i = 0; i < 10; i++) await throttle.RecordLoginFailureAsync(username, $"198.51.100.{i + 1}");
        }

        var page = await chromium.NewPageAsync(e2e.Server.BaseUri);
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(username);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebJourney.Password);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        // The script asked for a puzzle, solved it and sent the form; the answer would be the same for a wrong password.
        await Expect(page.Locator("#signin-link-sent")).ToContainTextAsync("open it in this browser", new() { Timeout = 90_000 });
        await Expect(page.Locator(".account-nav a[href='/account/']")).ToHaveCountAsync(0);

        var mail = await PickupMailbox.WaitForAsync(e2e.Server.DataDirectory, email, "Finish signing in");
        var link = ContinueLink().Match(mail.TextBody ?? "");
        Assert.True(link.Success, $"no sign-in link in:\n{mail.TextBody}");
        await page.GotoAsync(new Uri(link.Value).PathAndQuery);
        await Expect(page.Locator(".account-nav")).ToContainTextAsync(username);

        await using var check = e2e.Server.Services.CreateAsyncScope();
        var events = await check.ServiceProvider.GetRequiredService<BulwarkDbContext>().AuditEvents
            .Where(e => e.UserId == userId).Select(e => e.Type).ToListAsync();
        Assert.Contains(AuditEventType.SignInProofRequired, events);
        Assert.Contains(AuditEventType.SignInLinkSent, events);
        Assert.Contains(AuditEventType.LoginSuccess, events);
    }

    [GeneratedRegex(@"https?://\S+/account/continue-sign-in\?token=[A-Za-z0-9_-]{43}")]
    private static partial Regex ContinueLink();
}
