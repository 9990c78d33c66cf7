using Bulwark.EndToEnd.Tests.Infrastructure;
using Bulwark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Bulwark.EndToEnd.Tests.Browser;

/// <summary>
/// Sign-up with mail delivered over SMTP to a real server (Debian's aiosmtpd), read back from what that
/// server received, and the link in it opened in Chromium.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SmtpSignUpTests(EndToEndFixture e2e, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Sign_up_and_verify_through_mail_relayed_by_a_real_smtp_server()
    {
        using var smtp = new Aiosmtpd();
        await using var server = await LiveServer.StartAsync(e2e.NewDirectory("smtp-server"), new Dictionary<string, string>
        {
            ["Bulwark:Email:Mode"] = "Smtp",
            ["Bulwark:Email:Smtp:Host"] = "127.0.0.1",
            ["Bulwark:Email:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // aiosmtpd offers no TLS; a relay on loopback is the one place plain SMTP is acceptable.
            ["Bulwark:Email:Smtp:StartTls"] = "None",
        });

        var username = "smtp" + Guid.NewGuid().ToString("N")[..6];
        var email = $"{username}@example.com";
        var page = await chromium.NewPageAsync(server.BaseUri);
        await WebJourney.RegisterAsync(page, username, email);

        var mail = await smtp.WaitForAsync(email, "Verify your e-mail address");
        Assert.Contains(server.BaseUri.GetLeftPart(UriPartial.Authority), mail.TextBody);
        Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "mail")) && Directory.GetFiles(Path.Combine(server.DataDirectory, "mail"), "*.eml").Length > 0,
            "in SMTP mode nothing is written to the pickup directory");

        await WebJourney.VerifyAsync(page, mail.TextBody ?? "");
        await WebJourney.SignInAsync(page, username);
        await page.GotoAsync("/account/");
        await Expect(page.Locator("#unverified-notice")).ToHaveCountAsync(0);
        await Expect(page.Locator(".card")).ToContainTextAsync(email);
    }
}
