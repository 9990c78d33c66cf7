using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bulwark.Auth;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Data;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Shared.SecondFactors;
using Bulwark.Tests.Web;
using static Bulwark.Tests.Infrastructure.WebAuthnPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Bulwark.Tests.SecondFactors;

/// <summary>
/// The second-factor web flows against a real server and database: the second sign-in step, passkeys,
/// step-up, new-device confirmation and "this was not me". WebAuthn answers come from a software
/// authenticator that signs real messages for origin http://localhost (the test server's public URL).
/// </summary>
public abstract partial class SecondFactorPagesTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    // ---------- helpers (the WebAuthn ones are in Infrastructure/WebAuthnPages) ----------

    /// <summary>Enrols an authenticator app; returns the base32 secret and the recovery codes shown once.</summary>
    private static async Task<(string Secret, IReadOnlyList<string> Codes)> EnrolTotpAsync(Browser browser)
    {
        var page = await browser.GetAsync("/account/security");
        var setup = await browser.SubmitAsync(page, "#totp-begin-form");
        Assert.StartsWith("data:image/png;base64,", setup.Get("#totp-qr").GetAttribute("src"));
        var secret = setup.Get("#totp-secret").TextContent.Trim();
        var confirmed = await browser.SubmitAsync(setup, "#totp-confirm-form", [Field("Code", Code(secret, 0))]);
        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        var codes = await ConfirmCodesAsync(browser, confirmed);
        return (secret, codes);
    }

    /// <summary>The code for the time step <paramref name="stepsAhead"/> from now (±1 is accepted, each step once).</summary>
    private static string Code(string base32, int stepsAhead) =>
        new Totp(Base32Encoding.ToBytes(base32)).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * stepsAhead));

    /// <summary>Submits username and password; returns the second-step page.</summary>
    private async Task<HtmlPage> PasswordStepAsync(Browser browser, string username)
    {
        var login = await browser.GetAsync("/account/login");
        var raw = await browser.SubmitRawAsync(login, "#login-form", [Field("Username", username), Field("Password", Password)]);
        Assert.Equal(HttpStatusCode.Redirect, raw.StatusCode);
        Assert.StartsWith("/account/two-factor", raw.Headers.Location!.OriginalString);
        return await browser.FollowAsync(raw);
    }

    private Task<List<UserSession>> SessionsAsync(long userId) =>
        Server.WithDbAsync(db => db.UserSessions.AsNoTracking().Where(s => s.UserId == userId).OrderBy(s => s.Id).ToListAsync());

    private static string LinkTo(MimeKit.MimeMessage mail, string path)
    {
        var match = Regex.Match(mail.TextBody ?? "", @"https?://\S+" + Regex.Escape(path) + @"\?token=[A-Za-z0-9_-]{43}");
        Assert.True(match.Success, $"no {path} link in:\n{mail.TextBody}");
        return new Uri(match.Value).PathAndQuery;
    }

    private Task<int> TokenCountAsync(long userId) => Server.WithDbAsync(db => db.ApiTokens.CountAsync(t => t.UserId == userId));

    // ---------- tests ----------

    [Fact]
    public async Task Password_then_security_key_finishes_sign_in_with_a_new_session_id_and_the_pending_session_can_do_nothing_else()
    {
        var (user, browser) = await SignedInUserAsync("key");
        var other = await SignInAsync(user.Username);
        var key = await AddKeyAsync(browser, passkey: false, "blue key");
        // Adding a factor ends the account's other sessions.
        var ended = await other.GetRawAsync("/account/");
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal(SessionEndReason.FactorChanged, (await SessionsAsync(user.Id)).Single(s => s.RevokedAt != null && s.EndReason != SessionEndReason.Superseded).EndReason);
        var added = await PickupMail.WaitForAsync(Server, user.Email, "A security key was added");
        Assert.Contains("blue key", added.TextBody);
        await browser.SubmitAsync(await browser.GetAsync("/account/"), ".account-nav form");

        var second = await PasswordStepAsync(browser, user.Username);
        Assert.NotNull(second.Find("#webauthn-form"));
        Assert.NotNull(second.Find("#recovery-form"));
        Assert.Null(second.Find("#totp-form"));
        var pending = (await SessionsAsync(user.Id)).Last();
        Assert.True(pending.SecondFactorPending);

        // The pending session is not a sign-in: account pages, token creation and the re-authentication page all send it to the login page.
        foreach (var path in new[] { "/account/", "/account/tokens/new", "/account/security", "/account/reauthenticate" })
        {
            var refused = await browser.GetRawAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.StartsWith("/account/login", refused.Headers.Location!.OriginalString);
        }

        var (challengeId, options) = await OptionsAsync(browser, second, "#webauthn-form");
        var assertion = key.SignAssertion(options, Origin, RpId);
        var done = await browser.SubmitRawAsync(second, "#webauthn-form", [Field("ChallengeId", challengeId), Field("Credential", assertion)]);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var newCookie = Assert.Single(done.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SessionCookie.PlainName + "="));

        var session = (await SessionsAsync(user.Id)).Last();
        Assert.Equal(pending.Id, session.Id);
        Assert.False(session.SecondFactorPending);
        Assert.True(session.DeviceConfirmed);
        Assert.Equal(AuthMethod.PasswordAndWebAuthn, session.AuthMethod);
        Assert.NotEqual(Convert.ToHexString(pending.TokenHash), Convert.ToHexString(session.TokenHash));
        Assert.NotEmpty(newCookie);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/tokens/new")).Status);
        Assert.NotNull((await browser.GetAsync("/account/tokens/new")).Find("#token-form"));
        Assert.NotNull((await browser.GetAsync("/account/security")).Find("#key-list .key-last-used"));
        Assert.DoesNotContain("never", (await browser.GetAsync("/account/security")).Get("#key-list .key-last-used").TextContent);
    }

    [Fact]
    public async Task A_passkey_signs_in_without_username_or_password()
    {
        var (user, browser) = await SignedInUserAsync("pk");
        var key = await AddKeyAsync(browser, passkey: true, "laptop passkey");

        var stranger = NewBrowser();
        var login = await stranger.GetAsync("/account/login");
        var (challengeId, options) = await OptionsAsync(stranger, login, "#passkey-form");
        Assert.Null(JsonNode.Parse(options)!["allowCredentials"]?.AsArray().FirstOrDefault());
        Assert.Equal("required", JsonNode.Parse(options)!["userVerification"]!.GetValue<string>());
        var signedIn = await stranger.SubmitAsync(login, "#passkey-form", [Field("ChallengeId", challengeId), Field("Credential", key.SignAssertion(options, Origin, RpId))]);
        Assert.Contains(user.Username, signedIn.Get(".account-nav").TextContent);
        var session = (await SessionsAsync(user.Id)).Last();
        Assert.Equal(AuthMethod.Passkey, session.AuthMethod);
        Assert.True(session.DeviceConfirmed);
        Assert.True(session.IsPhishingResistant);

        // The same assertion again (replayed challenge) and an assertion for another origin are refused.
        var replayer = NewBrowser();
        var replayPage = await replayer.GetAsync("/account/login");
        var again = await replayer.SubmitAsync(replayPage, "#passkey-form", [Field("ChallengeId", challengeId), Field("Credential", key.SignAssertion(options, Origin, RpId))]);
        Assert.NotNull(again.Find("#passkey-form #form-errors"));
        Assert.Null(again.Find(".account-nav a[href='/account/']"));
        var other = NewBrowser();
        var page = await other.GetAsync("/account/login");
        var (id2, options2) = await OptionsAsync(other, page, "#passkey-form");
        var phished = await other.SubmitAsync(page, "#passkey-form", [Field("ChallengeId", id2), Field("Credential", key.SignAssertion(options2, "http://127.0.0.2:8080", RpId))]);
        Assert.Contains("different site", phished.Get("#passkey-form #form-errors").TextContent);
        // Only the sign-in's own answer, not validation noise about fields of the other form.
        Assert.Single(phished.All("#form-errors li"));
        Assert.Null(phished.Find(".account-nav a[href='/account/']"));
    }

    [Fact]
    public async Task Totp_sign_in_from_a_new_browser_is_held_back_until_the_mailed_link_is_opened_in_that_browser()
    {
        var (user, home) = await SignedInUserAsync("totp");
        var (secret, _) = await EnrolTotpAsync(home);

        var elsewhere = NewBrowser();
        var second = await PasswordStepAsync(elsewhere, user.Username);
        Assert.NotNull(second.Find("#totp-form"));
        var raw = await elsewhere.SubmitRawAsync(second, "#totp-form", [Field("Code", Code(secret, 1))]);
        Assert.Equal(HttpStatusCode.Redirect, raw.StatusCode);
        Assert.StartsWith(RecentAuthenticationFilter.ConfirmDevicePath, raw.Headers.Location!.OriginalString);
        var explained = await elsewhere.FollowAsync(raw);
        Assert.Contains("cannot create API tokens", explained.Get("#device-unconfirmed").TextContent);
        Assert.Null(explained.Find("#form-errors"));
        var session = (await SessionsAsync(user.Id)).Last();
        Assert.False(session.DeviceConfirmed);
        Assert.Equal(AuthMethod.PasswordAndTotp, session.AuthMethod);

        // Every sensitive action is refused: token creation, e-mail change, adding a factor.
        var tokensBefore = await TokenCountAsync(user.Id);
        var tokenForm = await home.GetAsync("/account/tokens/new");
        foreach (var (path, fields) in new (string, KeyValuePair<string, string>[])[]
        {
            ("/account/tokens/new", [Field("Name", "stolen"), Field("Scope", "user"), Field("ExpiresInDays", "30")]),
            ("/account/settings?handler=Email", [Field("NewEmail", "attacker@example.net")]),
            ("/account/security?handler=KeyOptions&passkey=false", []),
            ("/account/security?handler=TotpBegin", []),
        })
        {
            var page = await elsewhere.GetAsync("/account/");
            var csrf = page.Get(".account-nav form input[name=__csrf]").GetAttribute("value")!;
            var refused = await elsewhere.PostRawAsync(path, [Field("__csrf", csrf), .. fields]);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.StartsWith(RecentAuthenticationFilter.ConfirmDevicePath, refused.Headers.Location!.OriginalString);
        }
        Assert.Equal(tokensBefore, await TokenCountAsync(user.Id));
        Assert.Equal(user.Email, (await Server.WithDbAsync(db => db.Users.SingleAsync(u => u.Id == user.Id))).Email);
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.UnconfirmedDeviceRefused);
        Assert.NotNull((await elsewhere.GetAsync("/account/")).Find("#device-notice"));
        Assert.Null((await home.GetAsync("/account/")).Find("#device-notice"));
        var getRefused = await elsewhere.GetRawAsync("/account/tokens/new");
        Assert.StartsWith(RecentAuthenticationFilter.ConfirmDevicePath, getRefused.Headers.Location!.OriginalString);

        var mail = await PickupMail.WaitForAsync(Server, user.Email, "New sign-in to your account");
        Assert.Contains("bulwark-tests-browser/1.0", mail.TextBody);
        Assert.Contains(elsewhere.Address, mail.TextBody);
        Assert.Contains("UTC", mail.TextBody);
        var confirmLink = LinkTo(mail, "/account/confirm-device");
        Assert.Contains("/account/not-me?token=", mail.TextBody);

        // The owner's other browser (another session of the same account) cannot use the link, and does not use it up.
        var wrongSession = await home.GetAsync(confirmLink);
        Assert.Equal(HttpStatusCode.BadRequest, wrongSession.Status);
        Assert.Contains("another browser", wrongSession.Get("#form-errors").TextContent);
        Assert.False((await SessionsAsync(user.Id)).Last().DeviceConfirmed);

        var confirmed = await elsewhere.GetAsync(confirmLink);
        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        Assert.True((await SessionsAsync(user.Id)).Last().DeviceConfirmed);
        Assert.NotNull((await elsewhere.GetAsync("/account/tokens/new")).Find("#token-form"));
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.DeviceConfirmed);
        Assert.NotNull(tokenForm);
    }

    [Fact]
    public async Task Totp_sign_in_from_the_browser_that_enrolled_it_is_confirmed_at_once()
    {
        var (user, browser) = await SignedInUserAsync("known");
        var (secret, _) = await EnrolTotpAsync(browser);
        await browser.SubmitAsync(await browser.GetAsync("/account/"), ".account-nav form");
        var second = await PasswordStepAsync(browser, user.Username);
        var raw = await browser.SubmitRawAsync(second, "#totp-form", [Field("Code", Code(secret, 1))]);
        Assert.Equal(HttpStatusCode.Redirect, raw.StatusCode);
        Assert.DoesNotContain("confirm-device", raw.Headers.Location!.OriginalString);
        Assert.True((await SessionsAsync(user.Id)).Last().DeviceConfirmed);
        Assert.NotNull((await browser.GetAsync("/account/tokens/new")).Find("#token-form"));
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_shows_how_many_are_left_and_mails_the_owner()
    {
        var (user, browser) = await SignedInUserAsync("rc");
        var (_, codes) = await EnrolTotpAsync(browser);
        var stranger = NewBrowser();
        var second = await PasswordStepAsync(stranger, user.Username);
        var signedIn = await stranger.SubmitAsync(second, "#recovery-form", [Field("RecoveryCode", codes[0])]);
        Assert.Contains("7 recovery codes left", signedIn.Text);
        var mail = await PickupMail.WaitForAsync(Server, user.Email, "A recovery code was used");
        Assert.Contains("7 recovery codes are left", mail.TextBody);
        Assert.Equal(AuthMethod.PasswordAndRecoveryCode, (await SessionsAsync(user.Id)).Last().AuthMethod);

        var third = NewBrowser();
        var again = await third.SubmitAsync(await PasswordStepAsync(third, user.Username), "#recovery-form", [Field("RecoveryCode", codes[0])]);
        Assert.Contains("already been used", again.Get("#form-errors").TextContent);
        Assert.True((await SessionsAsync(user.Id)).Last().SecondFactorPending);
    }

    [Fact]
    public async Task Second_factor_attempts_are_throttled_per_user_and_per_network()
    {
        var (user, home) = await SignedInUserAsync("thr");
        var (secret, _) = await EnrolTotpAsync(home);
        var attacker = NewBrowser();
        var second = await PasswordStepAsync(attacker, user.Username);
        for (var i = 0; i < 5; i++)
        {
            second = await attacker.SubmitAsync(second, "#totp-form", [Field("Code", "000000")], follow: false);
            Assert.Equal(HttpStatusCode.OK, second.Status);
        }
        // Even the right code is refused now: the per-user budget (5 / 5 min) is spent.
        var refused = await attacker.SubmitAsync(second, "#totp-form", [Field("Code", Code(secret, 1))], follow: false);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.True(int.Parse(refused.Response.Headers.GetValues("Retry-After").Single()) > 0);
        Assert.Contains("Too many wrong second-factor attempts", refused.Get("#form-errors").TextContent);
        Assert.Single(refused.All("#form-errors li"));
        Assert.True((await SessionsAsync(user.Id)).Last().SecondFactorPending);
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.SecondFactorThrottled);

        // Per network: a second account from the same address gets 5 more tries, then the address (10 / 5 min) is blocked for a third.
        var (other, otherHome) = await SignedInUserAsync("thr2");
        await EnrolTotpAsync(otherHome);
        var step = await PasswordStepAsync(attacker, other.Username);
        for (var i = 0; i < 5; i++) step = await attacker.SubmitAsync(step, "#totp-form", [Field("Code", "111111")], follow: false);
        var (third, thirdHome) = await SignedInUserAsync("thr3");
        var (thirdSecret, _) = await EnrolTotpAsync(thirdHome);
        var thirdStep = await PasswordStepAsync(attacker, third.Username);
        var blocked = await attacker.SubmitAsync(thirdStep, "#totp-form", [Field("Code", Code(thirdSecret, 1))], follow: false);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.Status);
    }

    [Fact]
    public async Task This_was_not_me_freezes_the_account_and_ends_every_session()
    {
        var (user, home) = await SignedInUserAsync("notme");
        var (secret, _) = await EnrolTotpAsync(home);
        var intruder = NewBrowser();
        await intruder.SubmitAsync(await PasswordStepAsync(intruder, user.Username), "#totp-form", [Field("Code", Code(secret, 1))]);
        var mail = await PickupMail.WaitForAsync(Server, user.Email, "New sign-in to your account");
        var notMe = LinkTo(mail, "/account/not-me");

        // Opening the link (as a mail scanner would) changes nothing; the button does.
        var mailbox = NewBrowser();
        var page = await mailbox.GetAsync(notMe);
        Assert.False((await Server.WithDbAsync(db => db.Users.SingleAsync(u => u.Id == user.Id))).IsFrozen);
        var done = await mailbox.SubmitAsync(page, "#not-me-form");
        Assert.Contains("frozen", done.Get("#not-me-done").TextContent);

        Assert.True((await Server.WithDbAsync(db => db.Users.SingleAsync(u => u.Id == user.Id))).IsFrozen);
        Assert.All(await SessionsAsync(user.Id), s => Assert.NotNull(s.RevokedAt));
        foreach (var b in new[] { home, intruder })
        {
            var gone = await b.GetRawAsync("/account/");
            Assert.Equal(HttpStatusCode.Redirect, gone.StatusCode);
            Assert.StartsWith("/account/login", gone.Headers.Location!.OriginalString);
        }
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.AccountFrozenByOwner);
        await PickupMail.WaitForAsync(Server, user.Email, "Your account was frozen");
        var later = NewBrowser();
        var login = await later.GetAsync("/account/login");
        var refused = await later.SubmitAsync(login, "#login-form", [Field("Username", user.Username), Field("Password", Password)]);
        Assert.Contains("frozen", refused.Get("#form-errors").TextContent);
    }

    [Fact]
    public async Task An_operator_restores_a_frozen_account_with_a_new_password_and_without_its_old_tokens()
    {
        var (user, home) = await SignedInUserAsync("restore");
        var (secret, codes) = await EnrolTotpAsync(home);
        // A token made before the freeze (it may have been the attacker's): it must not survive the restore.
        var oldToken = await Server.WithScopeAsync(async sp =>
        {
            var owner = await sp.GetRequiredService<BulwarkDbContext>().Users.SingleAsync(u => u.Id == user.Id);
            return (await sp.GetRequiredService<ApiTokenService>().CreateAsync(owner, "before", [], null, new Actor("test", "test"))).Token;
        });
        Assert.Equal(TokenCheck.Valid, await TokenStateAsync(oldToken));

        var notYet = await RestoreAsync(user.Id);
        Assert.False(notYet.Succeeded);
        Assert.Contains("not frozen", notYet.Refusal?.Message);

        var intruder = NewBrowser();
        await intruder.SubmitAsync(await PasswordStepAsync(intruder, user.Username), "#totp-form", [Field("Code", Code(secret, 1))]);
        var mail = await PickupMail.WaitForAsync(Server, user.Email, "New sign-in to your account");
        var mailbox = NewBrowser();
        await mailbox.SubmitAsync(await mailbox.GetAsync(LinkTo(mail, "/account/not-me")), "#not-me-form");
        Assert.Equal(TokenCheck.UserFrozen, await TokenStateAsync(oldToken));

        var restored = await RestoreAsync(user.Id);
        Assert.True(restored.Succeeded, restored.Refusal?.Message);
        Assert.Equal(1, restored.Value.TokensRevoked);
        Assert.False((await Server.WithDbAsync(db => db.Users.SingleAsync(u => u.Id == user.Id))).IsFrozen);
        Assert.Equal(TokenCheck.Revoked, await TokenStateAsync(oldToken));
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.AccountRestored);

        // The phished password no longer works, even though the account is no longer frozen.
        var attacker = NewBrowser();
        var oldPassword = await attacker.SubmitAsync(await attacker.GetAsync("/account/login"), "#login-form", [Field("Username", user.Username), Field("Password", Password)]);
        Assert.NotNull(oldPassword.Find("#form-errors"));
        Assert.Null(oldPassword.Find("#totp-form"));

        // The restore removed the second factors (the attacker may have enrolled their own): the recovery codes are gone.
        Assert.False(await Server.WithDbAsync(db => db.TotpCredentials.AnyAsync(t => t.UserId == user.Id)));
        Assert.False(await Server.WithDbAsync(db => db.RecoveryCodeSets.AnyAsync(t => t.UserId == user.Id)));
        // The owner sets a new one from the mailed link and signs in with the password alone, then enrols again.
        var restoredMail = await PickupMail.WaitForAsync(Server, user.Email, "Your account was restored");
        var token = PickupMail.TokenFrom(restoredMail, AccountLinks.ResetPasswordPath);
        var owner = NewBrowser();
        var reset = await owner.GetAsync($"/account/reset-password?token={token}");
        const string chosen = "a brand new passphrase after the freeze";
        var done = await owner.SubmitAsync(reset, "#reset-form", [Field("Password", chosen)]);
        Assert.NotNull(done.Find("#login-form"));
        var signedIn = await owner.SubmitAsync(done, "#login-form", [Field("Username", user.Username), Field("Password", chosen)]);
        Assert.Null(signedIn.Find("#recovery-form"));
        Assert.Null(signedIn.Find("#totp-form"));
        Assert.NotEmpty(codes);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/account/")).Status);
    }

    private Task<Outcome<AccountRestored>> RestoreAsync(long userId) =>
        Server.WithScopeAsync(async sp =>
        {
            var target = await sp.GetRequiredService<BulwarkDbContext>().Users.SingleAsync(u => u.Id == userId);
            return await sp.GetRequiredService<AccountRestoration>().RestoreAsync(target, new Actor("cli", "user restore"));
        });

    private Task<TokenCheck> TokenStateAsync(string token) =>
        Server.WithScopeAsync(async sp => (await sp.GetRequiredService<ApiTokenService>().AuthenticateAsync(token)).Result);

    [Fact]
    public async Task Step_up_uses_the_security_key_when_the_account_has_one_and_failures_are_audited_and_mailed()
    {
        var (user, browser) = await SignedInUserAsync("sudo");
        var key = await AddKeyAsync(browser, passkey: false, "sudo key");
        await AgeAuthenticationAsync(user.Id, TimeSpan.FromMinutes(11));

        var redirect = await browser.GetRawAsync("/account/tokens/new");
        Assert.StartsWith(RecentAuthenticationFilter.ReauthenticatePath, redirect.Headers.Location!.OriginalString);
        var reauth = await browser.FollowAsync(redirect);
        Assert.Null(reauth.Find("#reauth-form"));
        Assert.Null(reauth.Find("input[type=password]"));
        Assert.NotNull(reauth.Find("#reauth-webauthn-form"));

        // The password alone is refused even when posted directly.
        var csrf = Csrf(reauth, "#reauth-webauthn-form");
        var byPassword = await browser.PostRawAsync("/account/reauthenticate", [Field("__csrf", csrf), Field("Password", Password)]);
        var byPasswordPage = await Browser.ParseAsync(byPassword);
        Assert.Contains("security key or passkey", byPasswordPage.Get("#form-errors").TextContent);

        // A wrong key (not registered) fails, is audited and mailed.
        var (badId, badOptions) = await OptionsAsync(browser, reauth, "#reauth-webauthn-form");
        using var stranger = new TestAuthenticator { UserHandle = key.UserHandle };
        var failed = await browser.SubmitAsync(reauth, "#reauth-webauthn-form", [Field("ChallengeId", badId), Field("Credential", stranger.SignAssertion(badOptions, Origin, RpId))], follow: false);
        Assert.NotNull(failed.Find("#form-errors"));
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.StepUpFailed);
        await PickupMail.WaitForAsync(Server, user.Email, "A confirmation before a sensitive action failed");

        var (challengeId, options) = await OptionsAsync(browser, reauth, "#reauth-webauthn-form");
        var back = await browser.SubmitAsync(reauth, "#reauth-webauthn-form", [Field("ChallengeId", challengeId), Field("Credential", key.SignAssertion(options, Origin, RpId))]);
        Assert.NotNull(back.Find("#token-form"));
        Assert.Equal(AuthMethod.PasswordAndWebAuthn, (await SessionsAsync(user.Id)).Last().AuthMethod);
    }

    [Fact]
    public async Task Step_up_with_an_authenticator_app_needs_the_password_and_a_code()
    {
        var (user, browser) = await SignedInUserAsync("sudototp");
        var (secret, _) = await EnrolTotpAsync(browser);
        await AgeAuthenticationAsync(user.Id, TimeSpan.FromMinutes(11));
        var reauth = await browser.FollowAsync(await browser.GetRawAsync("/account/tokens/new"));
        Assert.NotNull(reauth.Find("#reauth-form #totp-code"));

        var noCode = await browser.SubmitAsync(reauth, "#reauth-form", [Field("Password", Password), Field("Code", "")], follow: false);
        Assert.Contains("6-digit code", noCode.Get("#form-errors").TextContent);
        var wrong = await browser.SubmitAsync(reauth, "#reauth-form", [Field("Password", Password), Field("Code", "000000")], follow: false);
        Assert.NotNull(wrong.Find("#form-errors"));
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.StepUpFailed);
        await PickupMail.WaitForAsync(Server, user.Email, "A confirmation before a sensitive action failed");

        var back = await browser.SubmitAsync(reauth, "#reauth-form", [Field("Password", Password), Field("Code", Code(secret, 1))]);
        Assert.NotNull(back.Find("#token-form"));
        Assert.Equal(AuthMethod.PasswordAndTotp, (await SessionsAsync(user.Id)).Last().AuthMethod);
    }

    [Fact]
    public async Task The_last_factor_cannot_be_removed_while_a_critical_project_needs_one()
    {
        var (user, browser) = await SignedInUserAsync("last");
        var project = UniqueName("crit");
        await UploadAsync(user.Username, new TestDistributions.Spec(project, "1.0"));
        await AddKeyAsync(browser, passkey: false, "only key");
        await Server.WithDbAsync(async db =>
        {
            var p = await db.Projects.SingleAsync(x => x.NormalizedName == project);
            p.CriticalSince = DateTimeOffset.UtcNow;
            return await db.SaveChangesAsync();
        });
        var page = await browser.GetAsync("/account/security");
        var refused = await browser.SubmitAsync(page, "#key-list form", follow: false);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("last two-factor method", refused.Get("#form-errors").TextContent);
        Assert.Equal(1, await Server.WithDbAsync(db => db.WebAuthnCredentials.CountAsync(c => c.UserId == user.Id)));
    }

    [Fact]
    public async Task Removing_a_factor_mails_the_owner_and_stops_the_second_step()
    {
        var (user, browser) = await SignedInUserAsync("rm");
        await AddKeyAsync(browser, passkey: false, "old key");
        var page = await browser.GetAsync("/account/security");
        var removed = await browser.SubmitAsync(page, "#key-list form");
        Assert.NotNull(removed.Find("#no-keys"));
        await PickupMail.WaitForAsync(Server, user.Email, "A security key was removed");
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.FactorRemoved);
        // No factor left: the password is a complete sign-in again.
        await SignInAsync(user.Username, NewBrowser());
    }
}

public sealed class SecondFactorPagesTestsSqlite(SqliteServer server) : SecondFactorPagesTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class SecondFactorPagesTestsPostgres(PostgresServer server) : SecondFactorPagesTests<PostgresServer>(server), IClassFixture<PostgresServer>;
