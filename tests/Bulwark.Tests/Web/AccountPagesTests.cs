using System.Net;
using Bulwark.Auth;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Web;

public abstract class AccountPagesTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    private const string NewPassword = "copper meadow riddle 63";

    [Fact]
    public async Task Forgot_password_answers_alike_for_unknown_accounts_and_the_mailed_link_resets_once()
    {
        var user = await CreateUserAsync("fp");
        var elsewhere = await SignInAsync(user.Username);
        var browser = NewBrowser();
        var form = await browser.GetAsync("/account/forgot-password");
        var known = await browser.SubmitAsync(form, "#forgot-form", [Field("Login", user.Email)]);
        var stranger = NewBrowser();
        var unknown = await stranger.SubmitAsync(await stranger.GetAsync("/account/forgot-password"), "#forgot-form", [Field("Login", "nobody-" + user.Email)]);
        Assert.Equal(known.Get("#reset-requested").TextContent, unknown.Get("#reset-requested").TextContent);

        var mail = await PickupMail.WaitForAsync(Server, user.Email, "Reset your password");
        var token = PickupMail.TokenFrom(mail, AccountLinks.ResetPasswordPath);
        var page = await browser.GetAsync($"/account/reset-password?token={token}");
        Assert.Equal("no-referrer", Assert.Single(page.Response.Headers.GetValues("Referrer-Policy")));
        var weak = await browser.SubmitAsync(page, "#reset-form", [Field("Password", "short")]);
        Assert.NotNull(weak.Find("#form-errors"));
        var done = await browser.SubmitAsync(page, "#reset-form", [Field("Password", NewPassword)]);
        Assert.Contains("Sign in with the new password", done.Get(".flash").TextContent);
        Assert.NotNull(done.Find("#login-form"));

        var used = await browser.GetAsync($"/account/reset-password?token={token}");
        Assert.Equal(HttpStatusCode.BadRequest, used.Status);
        Assert.NotNull(used.Find("#link-problem"));
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/account/reset-password?token=not-a-real-token")).Status);
        // Every session of the account ended with the reset.
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetRawAsync("/account/")).StatusCode);
        var login = await browser.GetAsync("/account/login");
        var signedIn = await browser.SubmitAsync(login, "#login-form", [Field("Username", user.Username), Field("Password", NewPassword)]);
        Assert.Null(signedIn.Find("#login-form"));
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_and_ends_the_other_sessions()
    {
        var user = await CreateUserAsync("cp");
        var here = await SignInAsync(user.Username);
        var there = await SignInAsync(user.Username, NewBrowser());
        var settings = await here.GetAsync("/account/settings");
        var wrong = await here.SubmitAsync(settings, "#password-form", [Field("CurrentPassword", "not my password"), Field("NewPassword", NewPassword)]);
        Assert.Contains("current password is incorrect", wrong.Get("#password-form #form-errors").TextContent);
        Assert.Null(wrong.Find("#email-form #form-errors"));

        var changed = await here.SubmitAsync(settings, "#password-form", [Field("CurrentPassword", Password), Field("NewPassword", NewPassword)]);
        Assert.Contains("Every other session was signed out", changed.Get(".flash").TextContent);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/account/")).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await there.GetRawAsync("/account/")).StatusCode);
        await PickupMail.WaitForAsync(Server, user.Email, "Your password was changed");
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.PasswordChanged);
    }

    [Fact]
    public async Task Changing_the_email_needs_a_recent_sign_in_and_the_link_sent_to_the_new_address()
    {
        var (user, browser) = await SignedInUserAsync("ce");
        var newEmail = $"new-{user.Username}@example.org";
        var settings = await browser.GetAsync("/account/settings");
        await AgeAuthenticationAsync(user.Id, TimeSpan.FromMinutes(11));
        var stale = await browser.SubmitRawAsync(settings, "#email-form", [Field("NewEmail", newEmail)]);
        Assert.StartsWith(RecentAuthenticationFilter.ReauthenticatePath, stale.Headers.Location!.OriginalString);
        var reauth = await browser.FollowAsync(stale);
        settings = await browser.SubmitAsync(reauth, "#reauth-form", [Field("Password", Password)]);
        Assert.NotNull(settings.Find("#email-form"));

        var invalid = await browser.SubmitAsync(settings, "#email-form", [Field("NewEmail", "not an address")]);
        Assert.Contains("valid e-mail", invalid.Get("#email-form #form-errors").TextContent);
        var requested = await browser.SubmitAsync(settings, "#email-form", [Field("NewEmail", newEmail)]);
        Assert.Contains("We sent a confirmation link", requested.Get(".flash").TextContent);
        Assert.Equal(user.Email, requested.Get("#current-email").TextContent);

        var mail = await PickupMail.WaitForAsync(Server, newEmail, "Confirm your new e-mail address");
        var confirmed = await browser.GetAsync($"/account/confirm-email?token={PickupMail.TokenFrom(mail, AccountLinks.ConfirmEmailChangePath)}");
        Assert.Contains(newEmail, confirmed.Get("#confirm-result").TextContent);
        Assert.Equal(newEmail, (await browser.GetAsync("/account/settings")).Get("#current-email").TextContent);
        await PickupMail.WaitForAsync(Server, user.Email, "Your e-mail address was changed");
    }

    [Fact]
    public async Task Unverified_accounts_can_ask_for_a_new_verification_link()
    {
        var (user, browser) = await SignedInUserAsync("rv", verified: false);
        var account = await browser.GetAsync("/account/");
        var sent = await browser.SubmitAsync(account, "#resend-form");
        Assert.Contains("We sent a new verification link", sent.Get(".flash").TextContent);
        var mail = await PickupMail.WaitForAsync(Server, user.Email, "Verify your e-mail address");
        var verified = await browser.GetAsync($"/account/verify-email?token={PickupMail.TokenFrom(mail, AccountLinks.VerifyEmailPath)}");
        Assert.Equal(HttpStatusCode.OK, verified.Status);
        Assert.Null((await browser.GetAsync("/account/")).Find("#unverified-notice"));
    }
}

public sealed class AccountPagesTestsSqlite(SqliteServer server) : AccountPagesTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class AccountPagesTestsPostgres(PostgresServer server) : AccountPagesTests<PostgresServer>(server), IClassFixture<PostgresServer>;
