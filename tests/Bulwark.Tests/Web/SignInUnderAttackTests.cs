using System.Net;
using System.Text.Json.Nodes;
using Bulwark.Auth;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Shared.Throttling;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Web;

/// <summary>
/// The sign-in page while the password limits have tripped: nobody but the attacker's own network is
/// refused; passkeys and known browsers go straight in; other browsers prove work, and past an account's
/// limit finish by an e-mailed link. Each database gets a server of its own (this class floods it).
/// </summary>
public abstract class SignInUnderAttackTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    private static int _floods;

    /// <summary>Failed sign-ins recorded the way a failed attempt records them, spread over <paramref name="networks"/> IPv4 addresses.</summary>
    private Task FloodAsync(int failures, int networks, string? username = null, string? fromAddress = null)
    {
        var block = Interlocked.Increment(ref _floods);
        return Server.WithScopeAsync(async sp =>
        {
            var throttle = sp.GetRequiredService<AuthThrottle>();
            for (var i = 0; i < failures; i++)
            {
                await throttle.RecordLoginFailureAsync(username ?? $"sprayed{i}", fromAddress ?? $"10.{block}.{i % networks / 250}.{i % networks % 250}");
            }
            return 0;
        });
    }

    /// <summary>The device cookie the login page sets on a browser's first visit.</summary>
    private static async Task<string> DeviceCookieOfAsync(Browser browser)
    {
        var response = await browser.GetRawAsync("/account/login");
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(DeviceCookie.PlainName + "="));
        return header.Split(';')[0][(DeviceCookie.PlainName.Length + 1)..];
    }

    /// <summary>What signin-proof.js does before it submits: asks for a challenge for the username and solves it.</summary>
    private static async Task<(string Token, string Nonce)?> ProofAsync(Browser browser, HtmlPage page, string username)
    {
        var url = page.Get("#login-form").GetAttribute("data-proof-url")!;
        var response = await browser.PostRawAsync(url, [Field("__csrf", WebAuthnPages.Csrf(page, "#login-form")), Field("Username", username)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (json["token"] is not { } token) return null;
        var bits = json["bits"]!.GetValue<int>();
        return (token.GetValue<string>(), ProofSolver.Solve(token.GetValue<string>(), bits));
    }

    private static async Task<HttpResponseMessage> SubmitWithProofAsync(Browser browser, HtmlPage page, string username, string password)
    {
        var proof = await ProofAsync(browser, page, username);
        Assert.NotNull(proof);
        return await browser.SubmitRawAsync(page, "#login-form",
            [Field("Username", username), Field("Password", password), Field("ProofToken", proof.Value.Token), Field("ProofNonce", proof.Value.Nonce)]);
    }

    /// <summary>Signs in through the login page the way a browser with its script does: proof first if the server wants one.</summary>
    private async Task<Browser> SignInLikeTheScriptAsync(string username, Browser? browser = null)
    {
        browser ??= NewBrowser();
        var login = await browser.GetAsync("/account/login");
        var proof = await ProofAsync(browser, login, username);
        var landed = await browser.SubmitAsync(login, "#login-form",
            [Field("Username", username), Field("Password", Password), Field("ProofToken", proof?.Token ?? ""), Field("ProofNonce", proof?.Nonce ?? "")]);
        Assert.True(landed.Status == HttpStatusCode.OK && landed.Find("#login-form") is null, $"sign-in of {username} ended in {(int)landed.Status}: {landed.Text}");
        return browser;
    }

    private static bool SetsSession(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(SessionCookie.PlainName + "=") && !c.Contains("1970"));

    [Fact]
    public async Task A_flood_from_a_hundred_networks_refuses_only_the_attackers_address_and_the_right_password_still_signs_in()
    {
        var user = await CreateUserAsync("flood");
        // The attacker's own address: ten real wrong passwords through the page, then 429 for it alone.
        var attacker = NewBrowser();
        var form = await attacker.GetAsync("/account/login");
        for (var i = 0; i < 10; i++)
        {
            var wrong = await attacker.SubmitAsync(form, "#login-form", [Field("Username", $"victim{i}"), Field("Password", "not the password " + i)]);
            Assert.Equal(HttpStatusCode.OK, wrong.Status);
        }
        var refused = await attacker.SubmitAsync(form, "#login-form", [Field("Username", user.Username), Field("Password", Password)]);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.True(int.Parse(Assert.Single(refused.Response.Headers.GetValues("Retry-After"))) > 0);
        Assert.Contains("from your network", refused.Get("#form-errors").TextContent);
        // The rest of a thousand failures, from 99 more networks: the index-wide limit has tripped.
        await FloodAsync(990, networks: 99);

        var owner = NewBrowser();
        var login = await owner.GetAsync("/account/login");
        var raw = await owner.SubmitRawAsync(login, "#login-form", [Field("Username", user.Username), Field("Password", Password)]);
        var asked = await Browser.ParseAsync(raw);
        Assert.Equal(HttpStatusCode.OK, asked.Status);
        Assert.False(SetsSession(raw));
        Assert.Contains("password-guessing attack", asked.Get("#form-errors").TextContent);
        // The page carries a challenge for its script; without the script it says what else works.
        Assert.NotNull(asked.Get("#login-form").GetAttribute("data-proof-token"));
        Assert.InRange(int.Parse(asked.Get("#login-form").GetAttribute("data-proof-bits")!), 19, 22);
        Assert.Contains("This step needs JavaScript", asked.Html);

        var proof = await ProofAsync(owner, asked, user.Username);
        Assert.NotNull(proof);
        var signedIn = await owner.SubmitRawAsync(asked, "#login-form",
            [Field("Username", user.Username), Field("Password", Password), Field("ProofToken", proof.Value.Token), Field("ProofNonce", proof.Value.Nonce)]);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.True(SetsSession(signedIn));
        Assert.Contains(user.Username, (await owner.FollowAsync(signedIn)).Get(".account-nav").TextContent);

        // A proof buys one check, and the attacker's network stays refused even with one.
        var replayer = NewBrowser();
        var spent = await replayer.SubmitAsync(await replayer.GetAsync("/account/login"), "#login-form", [Field("Username", user.Username),
            Field("Password", Password), Field("ProofToken", proof.Value.Token), Field("ProofNonce", proof.Value.Nonce)]);
        Assert.Contains("was not accepted", spent.Get("#form-errors").TextContent);
        Assert.NotNull(spent.Get("#login-form").GetAttribute("data-proof-token"));
        var challenge = await Server.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<ProofOfWork>().Issue(AuthThrottle.AccountKey(user.Username), 12)));
        var attackerProof = await attacker.SubmitAsync(await attacker.GetAsync("/account/login"), "#login-form", [Field("Username", user.Username),
            Field("Password", Password), Field("ProofToken", challenge.Token), Field("ProofNonce", ProofSolver.Solve(challenge.Token, 12))]);
        Assert.Equal(HttpStatusCode.TooManyRequests, attackerProof.Status);

        var audit = await AuditAsync(e => e.Type is AuditEventType.SignInProofRequired or AuditEventType.LoginThrottled);
        Assert.Contains(audit, e => e.Type == AuditEventType.SignInProofRequired && e.Details!.Contains("\"reason\":\"index\""));
        // The attacker's network tripped once; its further refusals are not audited one by one.
        Assert.Single(audit, e => e.Type == AuditEventType.LoginThrottled && e.IpAddress == attacker.Address);
    }

    [Fact]
    public async Task After_two_hundred_failures_against_one_account_its_known_browser_signs_in_and_a_new_one_through_proof_and_link()
    {
        var user = await CreateUserAsync("target");
        // The owner's usual browser: the login page set its device cookie and a confirmed sign-in remembered it.
        var usual = NewBrowser();
        var cookie = await DeviceCookieOfAsync(usual);
        await Server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<KnownDevices>().RememberAsync(user.Id, cookie, usual.Address, "bulwark-tests-browser/1.0");
            return 0;
        });

        // Ten real failures through the page from ten addresses, and 190 more from nineteen.
        for (var i = 0; i < 10; i++)
        {
            var guesser = NewBrowser();
            await guesser.SubmitAsync(await guesser.GetAsync("/account/login"), "#login-form", [Field("Username", user.Username), Field("Password", "guess " + i)]);
        }
        await FloodAsync(190, networks: 19, username: user.Username);

        // The usual browser: the password alone, no puzzle, no e-mail.
        await SignInAsync(user.Username, usual);

        // A new browser: asked for a proof, not refused.
        var fresh = NewBrowser();
        var login = await fresh.GetAsync("/account/login");
        var asked = await fresh.SubmitAsync(login, "#login-form", [Field("Username", user.Username), Field("Password", Password)]);
        Assert.Equal(HttpStatusCode.OK, asked.Status);
        Assert.Contains("many failed sign-ins for this username", asked.Get("#form-errors").TextContent);

        // With the proof, the right password and a wrong one get the same page, and neither a session.
        var right = await SubmitWithProofAsync(fresh, asked, user.Username, Password);
        var stranger = NewBrowser();
        var wrong = await SubmitWithProofAsync(stranger, await stranger.GetAsync("/account/login"), user.Username, "a wrong guess");
        var rightPage = await Browser.ParseAsync(right);
        var wrongPage = await Browser.ParseAsync(wrong);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(right.StatusCode, wrong.StatusCode);
        Assert.Equal(PasswordSignIn.LinkSentMessage, rightPage.Get("#signin-link-sent").TextContent.Trim());
        Assert.Equal(rightPage.Get("#signin-link-sent").TextContent, wrongPage.Get("#signin-link-sent").TextContent);
        Assert.Null(rightPage.Find("#form-errors"));
        Assert.False(SetsSession(right) || SetsSession(wrong));

        var mail = await PickupMail.WaitForAsync(Server, user.Email, "Finish signing in");
        Assert.Contains(AccountLinks.ReportSignInPath + "?token=", mail.TextBody);
        var link = $"{AccountLinks.ContinueSignInPath}?token={PickupMail.TokenFrom(mail, AccountLinks.ContinueSignInPath)}";

        // Opened elsewhere the link does nothing and stays usable; in the browser that asked it signs in.
        var elsewhere = await NewBrowser().GetAsync(link);
        Assert.True(elsewhere.Status == HttpStatusCode.BadRequest, elsewhere.Html);
        Assert.Contains("only in the browser where the password was entered", elsewhere.Get("#form-errors").TextContent);
        var done = await fresh.GetRawAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.True(SetsSession(done));
        Assert.Contains(user.Username, (await fresh.FollowAsync(done)).Get(".account-nav").TextContent);
        Assert.Equal(HttpStatusCode.BadRequest, (await fresh.GetAsync(link)).Status);

        var events = (await AuditAsync(e => e.UserId == user.Id)).Select(e => e.Type).ToList();
        Assert.Contains(AuditEventType.SignInProofRequired, events);
        Assert.Single(events, AuditEventType.SignInLinkSent);
        Assert.DoesNotContain(AuditEventType.LoginThrottled, events);
    }

    [Fact]
    public async Task Passkeys_sign_in_whatever_the_password_limits_say()
    {
        var user = await CreateUserAsync("pk");
        var browser = await SignInLikeTheScriptAsync(user.Username);
        var key = await WebAuthnPages.AddKeyAsync(browser, passkey: true, "laptop passkey");
        await FloodAsync(200, networks: 20, username: user.Username);
        await FloodAsync(1000, networks: 100);
        // Even from a network that is itself refused for passwords.
        var stranger = NewBrowser();
        await FloodAsync(10, networks: 1, fromAddress: stranger.Address);
        var form = await stranger.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await stranger.SubmitAsync(form, "#login-form", [Field("Username", user.Username), Field("Password", Password)])).Status);

        var landed = await WebAuthnPages.PasskeySignInAsync(stranger, key);
        Assert.Equal(HttpStatusCode.OK, landed.Status);
        Assert.Contains(user.Username, landed.Get(".account-nav").TextContent);
    }

    [Fact]
    public async Task A_signed_in_owner_still_confirms_the_password_while_the_account_is_flooded()
    {
        var user = await CreateUserAsync("sudo");
        var browser = await SignInLikeTheScriptAsync(user.Username);
        await FloodAsync(200, networks: 20, username: user.Username);
        await AgeAuthenticationAsync(user.Id, TimeSpan.FromMinutes(30));
        var page = await browser.GetAsync("/account/reauthenticate?returnUrl=%2Faccount%2Fsettings");
        var confirmed = await browser.SubmitRawAsync(page, "#reauth-form", [Field("Password", Password)]);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal("/account/settings", confirmed.Headers.Location!.OriginalString);
    }
}

public sealed class SignInUnderAttackTestsSqlite(SqliteServer server) : SignInUnderAttackTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class SignInUnderAttackTestsPostgres(PostgresServer server) : SignInUnderAttackTests<PostgresServer>(server), IClassFixture<PostgresServer>;
