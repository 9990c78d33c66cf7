using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Accounts;

public abstract class PasswordResetTests<TServer>(TServer server) : AccountFlowTestBase<TServer>(server) where TServer : BulwarkServer
{
    private Task<Outcome<string>> RequestAsync(string login, Actor? actor = null, string? deviceCookie = null) =>
        Flow<Outcome<string>, PasswordResetRequest>(r => r.RequestAsync(login, actor ?? NewActor(), deviceCookie));

    private Task<Outcome<string>> ResetAsync(string token, string password) =>
        Flow<Outcome<string>, PasswordReset>(r => r.ResetAsync(token, password, NewActor()));

    [Fact]
    public async Task The_answer_is_the_same_whether_or_not_the_account_exists()
    {
        var (username, email) = await RegisterVerifiedAsync();
        var ghostEmail = $"{Unique("ghost")}@example.com";
        var forGhost = await RequestAsync(ghostEmail);
        var forGhostName = await RequestAsync(Unique("ghost"));
        var forReal = await RequestAsync(email);
        Assert.Equal(forReal, forGhost);
        Assert.Equal(forReal, forGhostName);
        Assert.Equal(PasswordResetRequest.AnswerMessage, forReal.Said());

        // The outbox delivers in order: once the real mail is there, a mail for the ghost would be too.
        var mail = await PickupMail.WaitForAsync(Server, email, "Reset your password");
        Assert.Contains("expires in 1 hour", mail.TextBody);
        Assert.Empty(PickupMail.To(Server, ghostEmail));
        var userId = (await LoadUserAsync(username)).Id;
        Assert.Contains(AuditEventType.PasswordResetRequested, await EventsAsync(userId));
    }

    [Fact]
    public async Task Reset_by_link_sets_the_password_once_ends_all_sessions_and_mails_the_owner()
    {
        var (username, email) = await RegisterVerifiedAsync();
        var session = await SignInAsync(username, GoodPassword);
        Assert.True((await RequestAsync(username)).Succeeded);
        var token = PickupMail.TokenFrom(await PickupMail.WaitForAsync(Server, email, "Reset your password"), AccountLinks.ResetPasswordPath);
        var userId = (await LoadUserAsync(username)).Id;
        var stored = await Db(db => db.AccountTokens.AsNoTracking().SingleAsync(t => t.UserId == userId && t.Purpose == Core.Accounts.Tokens.AccountTokenPurpose.ResetPassword));
        Assert.Equal(TimeSpan.FromHours(1), stored.ExpiresAt - stored.CreatedAt);

        Assert.True((await Flow<Outcome<string>, PasswordReset>(r => r.CheckLinkAsync(token))).Succeeded);
        var weak = await ResetAsync(token, "password1234");
        Assert.Equal("password", weak.Refusal?.Field);
        var result = await ResetAsync(token, OtherGoodPassword); // the refused attempt did not use the link up
        Assert.True(result.Succeeded, result.Said());

        Assert.Equal(SessionCheck.Revoked, (await ValidateAsync(session.SessionId!)).Result);
        Assert.Equal(SignInOutcome.Failed, (await SignInAsync(username, GoodPassword)).Outcome);
        Assert.Equal(SignInOutcome.SignedIn, (await SignInAsync(username, OtherGoodPassword)).Outcome);
        var notice = await PickupMail.WaitForAsync(Server, email, "Your password was changed");
        Assert.Contains("reset", notice.TextBody);

        var again = await ResetAsync(token, "granite walrus meadow 93");
        Assert.Equal(RefusalKind.LinkRejected, again.Refusal?.Kind);
        var events = await EventsAsync(userId);
        Assert.Contains(AuditEventType.PasswordReset, events);
        Assert.Contains(AuditEventType.SessionRevoked, events);
    }

    [Fact]
    public async Task An_expired_reset_link_is_refused()
    {
        var (username, email) = await RegisterVerifiedAsync();
        await RequestAsync(email);
        var token = PickupMail.TokenFrom(await PickupMail.WaitForAsync(Server, email, "Reset your password"), AccountLinks.ResetPasswordPath);
        var userId = (await LoadUserAsync(username)).Id;
        await Db(db => db.AccountTokens.Where(t => t.UserId == userId).ExecuteUpdateAsync(u => u.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        var result = await ResetAsync(token, OtherGoodPassword);
        Assert.Equal(RefusalKind.LinkRejected, result.Refusal?.Kind);
        Assert.Contains("expired", result.Said());
        Assert.Equal(SignInOutcome.SignedIn, (await SignInAsync(username, GoodPassword)).Outcome);
    }

    [Fact]
    public async Task A_password_change_invalidates_outstanding_reset_links()
    {
        var (username, email) = await RegisterVerifiedAsync();
        await RequestAsync(email);
        var token = PickupMail.TokenFrom(await PickupMail.WaitForAsync(Server, email, "Reset your password"), AccountLinks.ResetPasswordPath);
        var session = await SignInAsync(username, GoodPassword);
        var changed = await Server.WithScopeAsync(async sp =>
        {
            var check = await sp.GetRequiredService<SessionService>().ValidateAsync(session.SessionId);
            return await sp.GetRequiredService<PasswordChange>().ChangeAsync(check.Session!, GoodPassword, OtherGoodPassword, NewActor());
        });
        Assert.True(changed.Succeeded, changed.Said());
        var result = await ResetAsync(token, "granite walrus meadow 93");
        Assert.Equal(RefusalKind.LinkRejected, result.Refusal?.Kind);
        Assert.Contains("no longer valid", result.Said());
    }

    [Fact]
    public async Task Reset_requests_are_throttled_per_address()
    {
        var target = $"{Unique("flood")}@example.com";
        for (var i = 0; i < 5; i++) Assert.True((await RequestAsync(target)).Succeeded);
        var blocked = await RequestAsync(target);
        Assert.Equal(RefusalKind.Throttled, blocked.Refusal?.Kind);
        Assert.True(blocked.Refusal?.RetryAfterSeconds > 23 * 3600);
    }

    [Fact]
    public async Task Resets_asked_in_the_owners_name_do_not_refuse_the_owners_own_browser()
    {
        var (username, email) = await RegisterVerifiedAsync();
        var userId = (await LoadUserAsync(username)).Id;
        var cookie = Core.Accounts.OpaqueSecret.Create().Secret;
        await Server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<Core.Accounts.Devices.KnownDevices>().RememberAsync(userId, cookie, "198.51.100.7", "bulwark-tests-browser/1.0");
            return 0;
        });

        // Someone else uses up the day's requests for this account by name and by address, from several networks.
        foreach (var login in new[] { username, email })
        {
            for (var i = 0; i < 5; i++) Assert.True((await RequestAsync(login, NewActor())).Succeeded);
            Assert.Equal(RefusalKind.Throttled, (await RequestAsync(login, NewActor())).Refusal?.Kind);
            Assert.Equal(RefusalKind.Throttled, (await RequestAsync(login, NewActor(), deviceCookie: "not-a-known-browser")).Refusal?.Kind);
        }

        // The owner's browser still gets its link, by username and by e-mail address.
        Assert.True((await RequestAsync(username, NewActor(), cookie)).Succeeded);
        Assert.True((await RequestAsync(email, NewActor(), cookie)).Succeeded);
        // A known browser of one account does not unlock another account's limit.
        var (other, _) = await RegisterVerifiedAsync();
        for (var i = 0; i < 5; i++) Assert.True((await RequestAsync(other, NewActor())).Succeeded);
        Assert.Equal(RefusalKind.Throttled, (await RequestAsync(other, NewActor(), cookie)).Refusal?.Kind);
    }
}

public sealed class PasswordResetTestsSqlite(SqliteServer server) : PasswordResetTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class PasswordResetTestsPostgres(PostgresServer server) : PasswordResetTests<PostgresServer>(server), IClassFixture<PostgresServer>;
