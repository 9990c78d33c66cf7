using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.EndToEnd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bulwark.EndToEnd.Tests.Browser;

/// <summary>Bulwark at http://localhost:PORT: WebAuthn needs a domain name as relying-party id, not 127.0.0.1.</summary>
public sealed class LocalhostServerFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "bulwark-2fa-e2e", Guid.NewGuid().ToString("N"));
    public LiveServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await LiveServer.StartAsync(Path.Combine(Root, "data"), host: "localhost");

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// Second factors in real Chromium with the DevTools virtual authenticator (CTAP2 over USB, resident keys, user
/// verification), TOTP codes from oathtool, and an adversary-in-the-middle relay.
/// </summary>
public sealed partial class SecondFactorJourneyTests(LocalhostServerFixture fixture, ChromiumFixture chromium)
    : IClassFixture<LocalhostServerFixture>, IClassFixture<ChromiumFixture>
{
    private LiveServer Server => fixture.Server;

    // ---------- helpers ----------

    private async Task<(string Username, string Email)> CreateUserAsync(string stem)
    {
        var username = stem + Guid.NewGuid().ToString("N")[..6];
        await using var scope = Server.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<UserService>()
            .CreateAsync(username, $"{username}@example.com", WebJourney.Password, false, true, new Actor("e2e", "e2e"));
        Assert.True(created.Succeeded, created.Refusal?.Message);
        return (username, $"{username}@example.com");
    }

    private async Task<T> DbAsync<T>(Func<BulwarkDbContext, Task<T>> body)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await body(scope.ServiceProvider.GetRequiredService<BulwarkDbContext>());
    }

    private Task<UserSession> LatestSessionAsync(string username) =>
        DbAsync(db => db.UserSessions.AsNoTracking().Where(s => s.User.Username == username).OrderByDescending(s => s.Id).FirstAsync());

    /// <summary>A virtual CTAP2 USB authenticator with resident keys and user verification on the page's target.</summary>
    private static async Task<ICDPSession> AddVirtualAuthenticatorAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "usb",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return cdp;
    }

    /// <summary>oathtool as the independent TOTP client, at a given time.</summary>
    private static string Oathtool(string secret, DateTimeOffset at)
    {
        var start = new ProcessStartInfo("oathtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--totp", "-b", "--now", at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC", secret }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var code = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && code.Length == 6, $"oathtool failed: {process.StandardError.ReadToEnd()}");
        return code;
    }

    private static async Task PasswordStepAsync(IPage page, string username)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(username);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebJourney.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GotoAsync("/account/");
        await page.Locator(".account-nav").GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator(".account-nav")).ToContainTextAsync("Sign in");
    }

    /// <summary>Reads the recovery codes shown once and confirms one of them; returns them.</summary>
    private static async Task<IReadOnlyList<string>> SaveRecoveryCodesAsync(IPage page)
    {
        await Expect(page.Locator("#new-recovery-codes")).ToBeVisibleAsync();
        var codes = (await page.Locator("#new-recovery-codes code").AllTextContentsAsync()).Select(c => c.Trim()).ToList();
        Assert.Equal(8, codes.Count);
        await page.GetByLabel("Type one of the codes to confirm you saved them").FillAsync(codes[5]);
        await page.GetByRole(AriaRole.Button, new() { Name = "I saved my recovery codes" }).ClickAsync();
        await Expect(page.Locator(".flash")).ToContainTextAsync("Your recovery codes are saved");
        return codes;
    }

    private static async Task AddKeyAsync(IPage page, bool passkey, string name)
    {
        await page.GotoAsync("/account/security");
        await page.GetByLabel(passkey ? "Passkey name" : "Security key name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = passkey ? "Add passkey" : "Add security key" }).ClickAsync();
        await Expect(page.Locator("#key-list")).ToContainTextAsync(name);
    }

    private async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(chromium.ScreenshotDirectory, name), FullPage = true });

    // ---------- journeys ----------

    [Fact]
    public async Task Register_a_security_key_sign_out_and_sign_in_with_it()
    {
        var (username, email) = await CreateUserAsync("key");
        var page = await chromium.NewPageAsync(Server.BaseUri);
        await AddVirtualAuthenticatorAsync(page);
        await WebJourney.SignInAsync(page, username);

        await AddKeyAsync(page, passkey: false, "usb key");
        await SaveRecoveryCodesAsync(page);
        await ShotAsync(page, "2fa-key-added.png");
        await PickupMailbox.WaitForAsync(Server.DataDirectory, email, "A security key was added");
        await SignOutAsync(page);

        await PasswordStepAsync(page, username);
        await Expect(page).ToHaveURLAsync(new Regex("/account/two-factor"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Use security key" }).ClickAsync();
        await Expect(page.Locator(".account-nav")).ToContainTextAsync(username);
        var session = await LatestSessionAsync(username);
        Assert.Equal(AuthMethod.PasswordAndWebAuthn, session.AuthMethod);
        Assert.True(session.DeviceConfirmed);
        await page.GotoAsync("/account/security");
        await Expect(page.Locator("#key-list .key-last-used")).Not.ToHaveTextAsync("never");
    }

    [Fact]
    public async Task Register_a_passkey_and_sign_in_with_no_username_or_password()
    {
        var (username, _) = await CreateUserAsync("pk");
        var page = await chromium.NewPageAsync(Server.BaseUri);
        var cdp = await AddVirtualAuthenticatorAsync(page);
        await WebJourney.SignInAsync(page, username);
        await AddKeyAsync(page, passkey: true, "laptop passkey");
        await SaveRecoveryCodesAsync(page);
        await SignOutAsync(page);

        await page.GotoAsync("/account/login");
        await Expect(page.GetByLabel("Username", new() { Exact = true })).ToHaveValueAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page.Locator(".account-nav")).ToContainTextAsync(username);
        Assert.Equal(AuthMethod.Passkey, (await LatestSessionAsync(username)).AuthMethod);
        await ShotAsync(page, "2fa-passkey-signed-in.png");
        Assert.NotNull(cdp);
    }

    [Fact]
    public async Task Enrol_totp_with_oathtool_sign_in_with_it_then_with_a_recovery_code_that_is_burned()
    {
        var (username, email) = await CreateUserAsync("totp");
        var page = await chromium.NewPageAsync(Server.BaseUri);
        await WebJourney.SignInAsync(page, username);
        await page.GotoAsync("/account/security");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up authenticator app" }).ClickAsync();
        await Expect(page.Locator("#totp-qr")).ToBeVisibleAsync();
        var secret = (await page.Locator("#totp-secret").TextContentAsync())!.Trim();
        await page.GetByLabel("Code from the app").FillAsync(Oathtool(secret, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm authenticator app" }).ClickAsync();
        var codes = await SaveRecoveryCodesAsync(page);
        await Expect(page.Locator("#totp-enrolled")).ToBeVisibleAsync();
        await SignOutAsync(page);

        // The enrolment used this time step; a step is accepted once, so sign in with the next step's code (±1 is accepted).
        await PasswordStepAsync(page, username);
        await page.GetByLabel("Authentication code").FillAsync(Oathtool(secret, DateTimeOffset.UtcNow.AddSeconds(30)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify code" }).ClickAsync();
        await Expect(page.Locator(".account-nav")).ToContainTextAsync(username);
        Assert.Equal(AuthMethod.PasswordAndTotp, (await LatestSessionAsync(username)).AuthMethod);
        await SignOutAsync(page);

        await PasswordStepAsync(page, username);
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Recovery code", Exact = true }).FillAsync(codes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use recovery code" }).ClickAsync();
        await Expect(page.Locator(".flash")).ToContainTextAsync("You have 7 recovery codes left.");
        await PickupMailbox.WaitForAsync(Server.DataDirectory, email, "A recovery code was used");
        await page.GotoAsync("/account/security");
        await Expect(page.Locator("#recovery-status")).ToContainTextAsync("7 of 8");
        await SignOutAsync(page);

        await PasswordStepAsync(page, username);
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Recovery code", Exact = true }).FillAsync(codes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use recovery code" }).ClickAsync();
        await Expect(page.Locator("#recovery-form #form-errors")).ToContainTextAsync("already been used");
        await ShotAsync(page, "2fa-recovery-code-burned.png");
    }

    [Fact]
    public async Task A_phishing_relay_gets_no_session_from_a_key_and_a_useless_one_from_password_and_totp()
    {
        await using var relay = new PhishingRelay(Server.BaseUri);

        // (a) The victim has a security key. Through the relay the browser signs for the relay's origin, and the
        // real site refuses the assertion: no session reaches the attacker's jar.
        var (keyUser, _) = await CreateUserAsync("victimkey");
        var victim = await chromium.NewPageAsync(Server.BaseUri);
        await AddVirtualAuthenticatorAsync(victim);
        await WebJourney.SignInAsync(victim, keyUser);
        await AddKeyAsync(victim, passkey: true, "victim passkey");
        await SaveRecoveryCodesAsync(victim);
        await SignOutAsync(victim);

        await victim.GotoAsync(new Uri(relay.Origin, "account/login").ToString());
        await victim.GetByLabel("Username", new() { Exact = true }).FillAsync(keyUser);
        await victim.GetByLabel("Password", new() { Exact = true }).FillAsync(WebJourney.Password);
        await victim.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(victim).ToHaveURLAsync(new Regex(Regex.Escape(relay.Origin.GetLeftPart(UriPartial.Authority)) + "/account/two-factor"));
        await victim.GetByRole(AriaRole.Button, new() { Name = "Use security key" }).ClickAsync();
        await Expect(victim.Locator("#webauthn-form #form-errors")).ToContainTextAsync("different site");
        await Expect(victim.Locator("#form-errors li")).ToHaveCountAsync(1);
        await ShotAsync(victim, "aitm-key-refused.png");
        var keySession = await LatestSessionAsync(keyUser);
        Assert.True(keySession.SecondFactorPending, "the relayed sign-in must stay at the second step");
        using (var attacker = relay.AttackerClient())
        {
            var account = await attacker.GetAsync("/account/");
            Assert.Equal(HttpStatusCode.Redirect, account.StatusCode);
            Assert.StartsWith("/account/login", account.Headers.Location!.OriginalString);
        }
        // A passkey through the relay (no username at all) fails the same way.
        await victim.GotoAsync(new Uri(relay.Origin, "account/login").ToString());
        await victim.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(victim.Locator("#passkey-form #form-errors")).ToContainTextAsync("different site");
        var refusals = await DbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Type == AuditEventType.WebAuthnAssertionFailed && e.Details!.Contains("OriginMismatch")).CountAsync());
        Assert.True(refusals >= 2, $"origin mismatches audited: {refusals}; relay log: {string.Join("\n", relay.Log)}");

        // (b) A victim with an authenticator app types password and code into the relay; the attacker's jar gets a session.
        var (totpUser, totpEmail) = await CreateUserAsync("victimtotp");
        var home = await chromium.NewPageAsync(Server.BaseUri);
        await WebJourney.SignInAsync(home, totpUser);
        await home.GotoAsync("/account/security");
        await home.GetByRole(AriaRole.Button, new() { Name = "Set up authenticator app" }).ClickAsync();
        var secret = (await home.Locator("#totp-secret").TextContentAsync())!.Trim();
        await home.GetByLabel("Code from the app").FillAsync(Oathtool(secret, DateTimeOffset.UtcNow));
        await home.GetByRole(AriaRole.Button, new() { Name = "Confirm authenticator app" }).ClickAsync();
        await SaveRecoveryCodesAsync(home);

        var phished = await chromium.NewPageAsync(relay.Origin);
        await phished.GotoAsync("/account/login");
        await phished.GetByLabel("Username", new() { Exact = true }).FillAsync(totpUser);
        await phished.GetByLabel("Password", new() { Exact = true }).FillAsync(WebJourney.Password);
        await phished.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await phished.GetByLabel("Authentication code").FillAsync(Oathtool(secret, DateTimeOffset.UtcNow.AddSeconds(30)));
        await phished.GetByRole(AriaRole.Button, new() { Name = "Verify code" }).ClickAsync();
        await Expect(phished.Locator("#device-unconfirmed")).ToBeVisibleAsync();
        await ShotAsync(phished, "aitm-totp-session-held.png");
        var stolen = await LatestSessionAsync(totpUser);
        Assert.False(stolen.SecondFactorPending);
        Assert.False(stolen.DeviceConfirmed);

        using var client = relay.AttackerClient();
        var signedIn = await client.GetAsync("/account/");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var html = await signedIn.Content.ReadAsStringAsync();
        Assert.Contains(totpUser, html);
        var csrf = CsrfField().Match(html).Groups["v"].Value;
        Assert.NotEmpty(csrf);
        var tokensBefore = await DbAsync(db => db.ApiTokens.CountAsync(t => t.User.Username == totpUser));

        // Token creation (GET and POST), a new factor, a new e-mail address: each refused with a redirect to confirmation.
        var attempts = new (string Path, Dictionary<string, string> Fields)[]
        {
            ("/account/tokens/new", new() { ["Name"] = "exfil", ["Scope"] = "user", ["ExpiresInDays"] = "30" }),
            ("/account/security?handler=TotpBegin", new()),
            ("/account/security?handler=KeyOptions&passkey=true", new()),
            ("/account/settings?handler=Email", new() { ["NewEmail"] = "attacker@example.net" }),
            ("/account/settings?handler=Password", new() { ["CurrentPassword"] = WebJourney.Password, ["NewPassword"] = "attacker chosen phrase 77" }),
        };
        foreach (var (path, fields) in attempts)
        {
            fields["__csrf"] = csrf;
            var refused = await client.PostAsync(path, new FormUrlEncodedContent(fields));
            Assert.True(refused.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)refused.StatusCode}");
            Assert.StartsWith("/account/confirm-device", refused.Headers.Location!.OriginalString);
        }
        var getTokens = await client.GetAsync("/account/tokens/new");
        Assert.StartsWith("/account/confirm-device", getTokens.Headers.Location!.OriginalString);
        Assert.Equal(tokensBefore, await DbAsync(db => db.ApiTokens.CountAsync(t => t.User.Username == totpUser)));
        var user = await DbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Username == totpUser));
        Assert.Equal(totpEmail, user.Email);
        Assert.Equal(1, await DbAsync(db => db.TotpCredentials.CountAsync(t => t.UserId == user.Id)));
        // Uploads take API tokens only; the stolen session cookie is not one.
        var upload = await client.PostAsync("/legacy/", new MultipartFormDataContent { { new StringContent("file_upload"), ":action" } });
        Assert.True(upload.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"upload with the session: {(int)upload.StatusCode}");

        // (c) The owner was told, with the time, the relay's address and browser, and both links.
        var mail = await PickupMailbox.WaitForAsync(Server.DataDirectory, totpEmail, "New sign-in to your account");
        Assert.Contains("UTC", mail.TextBody);
        Assert.Contains("127.0.0.1", mail.TextBody);
        Assert.Contains("/account/confirm-device?token=", mail.TextBody);
        Assert.Contains("/account/not-me?token=", mail.TextBody);

        // The confirmation link opened in the owner's own browser does not free the attacker's session.
        var link = Regex.Match(mail.TextBody!, @"https?://\S+/account/confirm-device\?token=[A-Za-z0-9_-]{43}").Value;
        await home.GotoAsync(link);
        await Expect(home.Locator("#form-errors")).ToContainTextAsync("another browser");
        Assert.False((await LatestSessionAsync(totpUser)).DeviceConfirmed);
    }

    [GeneratedRegex("name=\"__csrf\" type=\"hidden\" value=\"(?<v>[^\"]+)\"")]
    private static partial Regex CsrfField();
}
