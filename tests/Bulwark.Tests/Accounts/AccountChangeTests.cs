using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Accounts;

public abstract class AccountChangeTests<TServer>(TServer server) : AccountFlowTestBase<TServer>(server) where TServer : BulwarkServer
{
    private Task<Outcome<string>> ChangePasswordAsync(string sessionId, string current, string next) =>
        Server.WithScopeAsync(async sp =>
        {
            var check = await sp.GetRequiredService<SessionService>().ValidateAsync(sessionId);
            return await sp.GetRequiredService<PasswordChange>().ChangeAsync(check.Session!, current, next, NewActor());
        });

    private Task<Outcome<string>> RequestEmailChangeAsync(string username, string newEmail) =>
        Server.WithScopeAsync(async sp =>
        {
            var user = await sp.GetRequiredService<UserService>().FindByUsernameAsync(username);
            return await sp.GetRequiredService<EmailChange>().RequestAsync(user!, newEmail, NewActor());
        });

    [Fact]
    public async Task Changing_the_password_ends_every_other_session_and_mails_the_owner()
    {
        var (username, email) = await RegisterVerifiedAsync();
        var current = await SignInAsync(username, GoodPassword);
        var other1 = await SignInAsync(username, GoodPassword);
        var other2 = await SignInAsync(username, GoodPassword);

        var result = await ChangePasswordAsync(current.SessionId!, GoodPassword, OtherGoodPassword);
        Assert.True(result.Succeeded, result.Said());
        Assert.True((await ValidateAsync(current.SessionId!)).IsSignedIn);
        Assert.Equal(SessionCheck.Revoked, (await ValidateAsync(other1.SessionId!)).Result);
        Assert.Equal(SessionCheck.Revoked, (await ValidateAsync(other2.SessionId!)).Result);
        var mail = await PickupMail.WaitForAsync(Server, email, "Your password was changed");
        Assert.Contains("Every other session was signed out", mail.TextBody);
        Assert.Equal(SignInOutcome.SignedIn, (await SignInAsync(username, OtherGoodPassword)).Outcome);
        var events = await EventsAsync((await LoadUserAsync(username)).Id);
        Assert.Contains(AuditEventType.PasswordChanged, events);
        Assert.Contains(AuditEventType.SessionRevoked, events);
    }

    [Fact]
    public async Task Reauthentication_needs_the_password_and_gives_the_session_a_new_id()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var signedIn = await SignInAsync(username, GoodPassword);
        var wrong = await Server.WithScopeAsync(async sp =>
        {
            var check = await sp.GetRequiredService<SessionService>().ValidateAsync(signedIn.SessionId);
            return await sp.GetRequiredService<Reauthentication>().WithPasswordAsync(check.Session!, OtherGoodPassword, NewActor());
        });
        Assert.Equal(RefusalKind.WrongCredentials, wrong.Refusal?.Kind);
        Assert.False(wrong.Succeeded);
        Assert.True((await ValidateAsync(signedIn.SessionId!)).IsSignedIn);

        var right = await Server.WithScopeAsync(async sp =>
        {
            var check = await sp.GetRequiredService<SessionService>().ValidateAsync(signedIn.SessionId);
            return await sp.GetRequiredService<Reauthentication>().WithPasswordAsync(check.Session!, GoodPassword, NewActor());
        });
        Assert.True(right.TryGetValue(out var confirmed, out _));
        Assert.NotEqual(signedIn.SessionId, confirmed.NewSessionId);
        Assert.Equal(SessionCheck.Invalid, (await ValidateAsync(signedIn.SessionId!)).Result);
        var fresh = await Server.WithScopeAsync(async sp =>
        {
            var service = sp.GetRequiredService<SessionService>();
            var check = await service.ValidateAsync(confirmed.NewSessionId);
            return check.IsSignedIn && service.IsFresh(check.Session!);
        });
        Assert.True(fresh);
        Assert.Contains(AuditEventType.Reauthenticated, await EventsAsync((await LoadUserAsync(username)).Id));
    }

    [Fact]
    public async Task A_wrong_current_password_changes_nothing_and_counts_as_a_failure()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var session = await SignInAsync(username, GoodPassword);
        var result = await ChangePasswordAsync(session.SessionId!, OtherGoodPassword, "granite walrus meadow 93");
        Assert.Equal(RefusalKind.WrongCredentials, result.Refusal?.Kind);
        Assert.Equal("currentPassword", result.Refusal?.Field);
        Assert.Equal(SignInOutcome.SignedIn, (await SignInAsync(username, GoodPassword)).Outcome);
        Assert.Contains(AuditEventType.LoginFailure, await EventsAsync((await LoadUserAsync(username)).Id));
    }

    [Fact]
    public async Task A_weak_new_password_is_refused_with_the_reason()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var session = await SignInAsync(username, GoodPassword);
        var result = await ChangePasswordAsync(session.SessionId!, GoodPassword, "qwertyuiop123");
        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal("newPassword", result.Refusal?.Field);
        Assert.Contains("attackers try", result.Said());
    }

    [Fact]
    public async Task Changing_the_email_needs_the_new_address_confirmed_and_tells_the_old_one()
    {
        var (username, oldEmail) = await RegisterVerifiedAsync();
        var newEmail = $"{Unique("new")}@example.org";
        var requested = await RequestEmailChangeAsync(username, newEmail);
        Assert.Equal(EmailChange.RequestedMessage, requested.Said());
        Assert.Equal(oldEmail, (await LoadUserAsync(username)).Email); // nothing changes before the link is opened

        var token = PickupMail.TokenFrom(await PickupMail.WaitForAsync(Server, newEmail, "Confirm your new e-mail address"), AccountLinks.ConfirmEmailChangePath);
        var confirmed = await Flow<Outcome<string>, EmailChange>(c => c.ConfirmAsync(token, NewActor()));
        Assert.True(confirmed.Succeeded, confirmed.Said());
        var user = await LoadUserAsync(username);
        Assert.Equal(newEmail, user.Email);
        Assert.True(user.EmailVerified);
        var notice = await PickupMail.WaitForAsync(Server, oldEmail, "Your e-mail address was changed");
        Assert.Contains(newEmail, notice.TextBody);
        Assert.Equal(RefusalKind.LinkRejected, (await Flow<Outcome<string>, EmailChange>(c => c.ConfirmAsync(token, NewActor()))).Refusal?.Kind);
        var events = await EventsAsync(user.Id);
        Assert.Contains(AuditEventType.EmailChangeRequested, events);
        Assert.Contains(AuditEventType.EmailChanged, events);
    }

    [Fact]
    public async Task An_address_of_another_account_gets_the_same_answer_and_no_link()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var (_, otherEmail) = await RegisterVerifiedAsync();
        var result = await RequestEmailChangeAsync(username, otherEmail.ToUpperInvariant());
        Assert.Equal(Outcome.Ok(EmailChange.RequestedMessage), result);
        var notice = await PickupMail.WaitForAsync(Server, otherEmail, "was not added to another account");
        Assert.DoesNotContain("token=", notice.TextBody);
        Assert.DoesNotContain(username, notice.TextBody);
        Assert.DoesNotContain(PickupMail.To(Server, otherEmail), m => (m.Subject ?? "").Contains("Confirm your new"));
    }

    [Fact]
    public async Task Verification_links_sent_to_the_old_address_stop_working_after_the_change()
    {
        var username = Unique("moving");
        var first = $"{username}@example.com";
        Assert.True((await Flow<Outcome<string>, Registration>(r => r.RegisterAsync(username, first, GoodPassword, NewActor()))).Succeeded);
        var stale = PickupMail.TokenFrom(await PickupMail.WaitForAsync(Server, first, "Verify your e-mail"), AccountLinks.VerifyEmailPath);
        var second = $"{Unique("moved")}@example.com";
        await RequestEmailChangeAsync(username, second);
        var token = PickupMail.TokenFrom(await PickupMail.WaitForAsync(Server, second, "Confirm your new"), AccountLinks.ConfirmEmailChangePath);
        Assert.True((await Flow<Outcome<string>, EmailChange>(c => c.ConfirmAsync(token, NewActor()))).Succeeded);
        Assert.Equal(RefusalKind.LinkRejected, (await Flow<Outcome<string>, EmailVerification>(v => v.VerifyAsync(stale, NewActor()))).Refusal?.Kind);
    }
}

public sealed class AccountChangeTestsSqlite(SqliteServer server) : AccountChangeTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class AccountChangeTestsPostgres(PostgresServer server) : AccountChangeTests<PostgresServer>(server), IClassFixture<PostgresServer>;
