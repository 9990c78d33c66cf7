using System.Net;
using Bulwark.Auth;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Web;

public abstract class SignInPagesTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Register_verify_by_the_mailed_link_then_sign_in_and_out()
    {
        var username = "reg" + Guid.NewGuid().ToString("N")[..8];
        var email = $"{username}@example.com";
        var browser = NewBrowser();
        var form = await browser.GetAsync("/account/register");
        Assert.NotNull(form.Find("label[for=username]"));
        var accepted = await browser.SubmitAsync(form, "#register-form", [Field("Username", username), Field("Email", email), Field("Password", Password)]);
        Assert.Contains("We sent a message", accepted.Get("#registration-accepted").TextContent);

        var mail = await PickupMail.WaitForAsync(Server, email, "Verify your e-mail address");
        var link = new Uri(System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", @"https?://\S+verify-email\?token=\S+").Value);
        var verify = await browser.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, verify.Status);
        Assert.Contains("verified", verify.Get("#verify-result").TextContent);
        Assert.Equal("no-referrer", Assert.Single(verify.Response.Headers.GetValues("Referrer-Policy")));
        var again = await browser.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);

        var login = await browser.GetAsync("/account/login");
        var response = await browser.SubmitRawAsync(login, "#login-form", [Field("Username", username), Field("Password", Password)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SessionCookie.PlainName + "="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        var sessionId = cookie.Split(';')[0][(SessionCookie.PlainName.Length + 1)..];
        Assert.True(sessionId.Length >= 22, "at least 128 bits of session id");

        var account = await browser.GetAsync("/account/");
        Assert.Equal(HttpStatusCode.OK, account.Status);
        Assert.Contains(username, account.Get(".account-nav").TextContent);
        Assert.Null(account.Find("#unverified-notice"));

        var signedOut = await browser.SubmitAsync(account, ".account-nav form");
        Assert.Contains("signed out", signedOut.Text);
        // The old cookie value is dead on the server, not merely deleted from this browser.
        var replay = Server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        replay.DefaultRequestHeaders.Add("Cookie", $"{SessionCookie.PlainName}={sessionId}");
        var denied = await replay.GetAsync("/account/");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/account/login", denied.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Over_https_the_cookie_has_the_host_prefix_and_is_secure()
    {
        var user = await CreateUserAsync();
        var browser = NewBrowser("https://localhost");
        var login = await browser.GetAsync("/account/login");
        var response = await browser.SubmitRawAsync(login, "#login-form", [Field("Username", user.Username), Field("Password", Password)]);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SessionCookie.SecureName + "="));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/")).Status);
    }

    [Fact]
    public async Task A_new_session_id_is_issued_at_sign_in_and_the_previous_one_ends()
    {
        var user = await CreateUserAsync();
        var browser = await SignInAsync(user.Username);
        var first = await Server.WithDbAsync(db => Task.FromResult(db.UserSessions.Where(s => s.UserId == user.Id).Select(s => s.Id).ToList()));
        await SignInAsync(user.Username, browser);
        var sessions = await Server.WithDbAsync(db => Task.FromResult(db.UserSessions.Where(s => s.UserId == user.Id).ToList()));
        Assert.Equal(2, sessions.Count);
        Assert.NotNull(sessions.Single(s => s.Id == Assert.Single(first)).RevokedAt);
        Assert.Null(sessions.Single(s => s.Id != first[0]).RevokedAt);
    }

    [Fact]
    public async Task Protected_pages_send_to_sign_in_and_back_and_never_to_another_site()
    {
        var user = await CreateUserAsync();
        var browser = NewBrowser();
        var redirect = await browser.GetRawAsync("/manage/projects/");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/account/login?returnUrl=%2Fmanage%2Fprojects%2F", redirect.Headers.Location!.OriginalString);
        var login = await browser.FollowAsync(redirect);
        var back = await browser.SubmitRawAsync(login, "#login-form", [Field("Username", user.Username), Field("Password", Password)]);
        Assert.Equal("/manage/projects/", back.Headers.Location!.OriginalString);

        var other = await CreateUserAsync();
        var fresh = NewBrowser();
        var evil = await fresh.GetAsync("/account/login?returnUrl=https%3A%2F%2Fevil.example%2F");
        var response = await fresh.SubmitRawAsync(evil, "#login-form", [Field("Username", other.Username), Field("Password", Password)]);
        Assert.Equal("/manage/projects/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Wrong_password_is_refused_without_saying_whether_the_user_exists_and_repeated_failures_get_429()
    {
        var user = await CreateUserAsync();
        var browser = NewBrowser();
        var form = await browser.GetAsync("/account/login");
        var wrong = await browser.SubmitAsync(form, "#login-form", [Field("Username", user.Username), Field("Password", "not the password at all")]);
        var unknown = await browser.SubmitAsync(form, "#login-form", [Field("Username", "nobody" + user.Username), Field("Password", "not the password at all")]);
        Assert.Equal(wrong.Get("#form-errors").TextContent, unknown.Get("#form-errors").TextContent);
        Assert.False(wrong.Response.Headers.Contains("Set-Cookie") && wrong.Response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(SessionCookie.PlainName + "=") && !c.Contains("expires=Thu, 01 Jan 1970")));

        HtmlPage last = wrong;
        for (var i = 0; i < 12 && last.Status != HttpStatusCode.TooManyRequests; i++)
        {
            last = await browser.SubmitAsync(form, "#login-form", [Field("Username", user.Username), Field("Password", "still not it " + i)]);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, last.Status);
        Assert.True(int.Parse(Assert.Single(last.Response.Headers.GetValues("Retry-After"))) > 0);
        Assert.Contains("Too many", last.Get("#form-errors").TextContent);
    }

    [Fact]
    public async Task Form_posts_without_the_antiforgery_token_are_rejected()
    {
        var (user, browser) = await SignedInUserAsync();
        var login = await NewBrowser().PostRawAsync("/account/login", [Field("Username", user.Username), Field("Password", Password)]);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.False(login.Headers.Contains("Set-Cookie") && login.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(SessionCookie.PlainName + "=")));

        var logout = await browser.PostRawAsync("/account/logout", []);
        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/")).Status);

        // A token from another session does not help either.
        var other = await SignedInUserAsync();
        var foreignPage = await other.Browser.GetAsync("/account/settings");
        var foreignToken = foreignPage.Get("#password-form input[name=__csrf]").GetAttribute("value")!;
        var forged = await browser.PostRawAsync("/account/settings?handler=Password",
            [Field("__csrf", foreignToken), Field("CurrentPassword", Password), Field("NewPassword", "another fine passphrase 9")]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task Admin_area_is_403_for_everyone_but_administrators()
    {
        var anonymous = await NewBrowser().GetRawAsync("/admin/");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Null(anonymous.Headers.Location);

        var (_, member) = await SignedInUserAsync();
        var refused = await member.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("Access denied", refused.Get("h1").TextContent);
        Assert.Null(refused.Response.Headers.Location);

        var (adminUser, admin) = await SignedInUserAsync("adm", admin: true);
        // A password session is not enough for an administrator: the admin area needs a security key or passkey.
        var passwordOnly = await admin.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.Forbidden, passwordOnly.Status);
        Assert.Contains("security key or passkey", passwordOnly.Get("#mandate-message").TextContent);
        await Server.WithDbAsync(db => SecondFactorSeeding.SetSessionMethodAsync(db, adminUser.Id, AuthMethod.PasswordAndWebAuthn));
        var dashboard = await admin.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.OK, dashboard.Status);
        var users = int.Parse(dashboard.Get("[data-stat=users] strong").TextContent);
        Assert.True(users >= 2);
        Assert.NotNull((await admin.GetAsync("/")).Find(".account-nav a[href='/admin/']"));
    }

    [Fact]
    public async Task Sensitive_pages_ask_for_the_password_again_after_ten_minutes()
    {
        var (user, browser) = await SignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/tokens/new")).Status);
        Assert.NotNull((await browser.GetAsync("/account/tokens/new")).Find("#token-form"));

        await AgeAuthenticationAsync(user.Id, TimeSpan.FromMinutes(11));
        var redirect = await browser.GetRawAsync("/account/tokens/new");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(RecentAuthenticationFilter.ReauthenticatePath + "?returnUrl=%2Faccount%2Ftokens%2Fnew", redirect.Headers.Location!.OriginalString);

        var reauth = await browser.FollowAsync(redirect);
        var wrong = await browser.SubmitAsync(reauth, "#reauth-form", [Field("Password", "wrong password entirely")]);
        Assert.Contains("incorrect", wrong.Get("#form-errors").TextContent);
        var back = await browser.SubmitAsync(reauth, "#reauth-form", [Field("Password", Password)]);
        Assert.NotNull(back.Find("#token-form"));
        var events = await AuditAsync(e => e.UserId == user.Id);
        Assert.Contains(events, e => e.Type == AuditEventType.Reauthenticated);
        Assert.Contains(events, e => e.Type == AuditEventType.LoginFailure);
    }
}

public sealed class SignInPagesTestsSqlite(SqliteServer server) : SignInPagesTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class SignInPagesTestsPostgres(PostgresServer server) : SignInPagesTests<PostgresServer>(server), IClassFixture<PostgresServer>;
