using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Accounts;

public abstract class RegistrationTests<TServer>(TServer server) : AccountFlowTestBase<TServer>(server) where TServer : BulwarkServer
{
    private Task<Outcome<string>> RegisterAsync(string username, string email, string password) =>
        Flow<Outcome<string>, Registration>(r => r.RegisterAsync(username, email, password, NewActor()));

    [Fact]
    public async Task Sign_up_creates_an_unverified_account_and_mails_a_link_that_verifies_it_once()
    {
        var username = Unique("Reg");
        var email = $"{username}@example.com";
        var result = await RegisterAsync(username, email, GoodPassword);
        Assert.True(result.Succeeded);
        Assert.Equal(Registration.AcceptedMessage, result.Said());
        var user = await LoadUserAsync(username);
        Assert.False(user.EmailVerified);
        Assert.StartsWith("$argon2id$", user.PasswordHash);

        var mail = await PickupMail.WaitForAsync(Server, email, "Verify your e-mail address");
        var token = PickupMail.TokenFrom(mail, AccountLinks.VerifyEmailPath);
        Assert.Contains("expires in 24 hours", mail.TextBody);
        Assert.DoesNotContain(GoodPassword, mail.TextBody);

        var stored = await Db(db => db.AccountTokens.AsNoTracking().SingleAsync(t => t.UserId == user.Id));
        Assert.Equal(TimeSpan.FromHours(24), stored.ExpiresAt - stored.CreatedAt);

        Assert.True((await Flow<Outcome<string>, EmailVerification>(v => v.VerifyAsync(token, NewActor()))).Succeeded);
        Assert.True((await LoadUserAsync(username)).EmailVerified);
        var again = await Flow<Outcome<string>, EmailVerification>(v => v.VerifyAsync(token, NewActor()));
        Assert.Equal(RefusalKind.LinkRejected, again.Refusal?.Kind);
        Assert.Contains("already been used", again.Said());

        var events = await EventsAsync(user.Id);
        Assert.Equal([AuditEventType.UserRegistered, AuditEventType.EmailVerificationSent, AuditEventType.EmailVerified, AuditEventType.AccountLinkRejected], events);
    }

    [Fact]
    public async Task An_expired_verification_link_is_refused()
    {
        var username = Unique("exp");
        var email = $"{username}@example.com";
        Assert.True((await RegisterAsync(username, email, GoodPassword)).Succeeded);
        var token = PickupMail.TokenFrom(await PickupMail.WaitForAsync(Server, email, "Verify"), AccountLinks.VerifyEmailPath);
        var user = await LoadUserAsync(username);
        await Db(db => db.AccountTokens.Where(t => t.UserId == user.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        var result = await Flow<Outcome<string>, EmailVerification>(v => v.VerifyAsync(token, NewActor()));
        Assert.Equal(RefusalKind.LinkRejected, result.Refusal?.Kind);
        Assert.Contains("expired", result.Said());
        Assert.False((await LoadUserAsync(username)).EmailVerified);
    }

    [Fact]
    public async Task A_taken_username_is_an_ordinary_field_error()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var result = await RegisterAsync(username.ToUpperInvariant(), $"{Unique("x")}@example.com", GoodPassword);
        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal("username", result.Refusal?.Field);
        Assert.Contains("already taken", result.Said());
    }

    [Fact]
    public async Task A_registered_email_gets_the_same_answer_and_its_owner_is_told()
    {
        var (owner, email) = await RegisterVerifiedAsync();
        var intruder = Unique("intruder");
        var result = await RegisterAsync(intruder, email.ToUpperInvariant(), GoodPassword);
        var fresh = await RegisterAsync(Unique("fresh"), $"{Unique("fresh")}@example.com", GoodPassword);

        Assert.Equal(fresh, result);
        Assert.Equal(Registration.AcceptedMessage, result.Said());
        Assert.Equal(0, await Db(db => db.Users.CountAsync(u => u.NormalizedUsername == intruder.ToLowerInvariant())));
        var notice = await PickupMail.WaitForAsync(Server, email, "Someone tried to register");
        Assert.Contains(owner, notice.TextBody);
        Assert.Contains(AccountLinks.ForgotPasswordPath, notice.TextBody);
        var ownerId = (await LoadUserAsync(owner)).Id;
        Assert.Contains(AuditEventType.RegistrationAttemptWithExistingEmail, await EventsAsync(ownerId));
    }

    [Theory]
    [InlineData("password1234", "common and breached")]
    [InlineData("short", "at least 12")]
    [InlineData("aaaaaaaaaaaaaaa", "repeats")]
    public async Task Weak_passwords_are_refused_with_the_reason(string password, string reason)
    {
        var username = Unique("weak");
        var result = await RegisterAsync(username, $"{username}@example.com", password);
        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal("password", result.Refusal?.Field);
        Assert.Contains(reason, result.Said());
        Assert.Equal(0, await Db(db => db.Users.CountAsync(u => u.NormalizedUsername == username.ToLowerInvariant())));
    }

    [Fact]
    public async Task A_password_built_on_the_username_is_refused()
    {
        var username = Unique("ctx");
        var result = await RegisterAsync(username, $"{Unique("m")}@example.com", username + "!2x");
        Assert.Equal("password", result.Refusal?.Field);
        Assert.Contains(username.ToLowerInvariant(), result.Said());
    }

    [Theory]
    [InlineData("-bad", "ok@example.com", "username")]
    [InlineData("good-name", "not-an-email", "email")]
    public async Task Invalid_fields_are_named(string username, string email, string field)
    {
        var result = await RegisterAsync(username, email, GoodPassword);
        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal(field, result.Refusal?.Field);
    }

    [Fact]
    public async Task Sign_ups_from_one_network_are_limited_per_hour_and_other_networks_are_not()
    {
        var network = NewActor();
        for (var i = 0; i < 20; i++)
        {
            var name = Unique("Many");
            Assert.True((await Flow<Outcome<string>, Registration>(r => r.RegisterAsync(name, $"{name}@example.com", GoodPassword, network))).Succeeded);
        }
        var refusedName = Unique("Many");
        var refused = await Flow<Outcome<string>, Registration>(r => r.RegisterAsync(refusedName, $"{refusedName}@example.com", GoodPassword, network));
        Assert.Equal(RefusalKind.Throttled, refused.Refusal?.Kind);
        Assert.True(refused.Refusal?.RetryAfterSeconds > 0);
        Assert.False(await Db(db => db.Users.AnyAsync(u => u.Username == refusedName)));

        var elsewhere = Unique("Many");
        Assert.True((await RegisterAsync(elsewhere, $"{elsewhere}@example.com", GoodPassword)).Succeeded);
    }

    [Fact]
    public async Task A_sign_up_waits_for_the_password_hashing_budget_and_is_refused_when_none_frees_up()
    {
        var gate = Server.Services.GetRequiredService<PasswordCheckGate>();
        var held = new List<IDisposable>();
        for (var i = 0; i < gate.Slots; i++) held.Add((await gate.EnterAsync(PasswordCheckLane.Proven))!);
        var busyName = Unique("Busy");
        Outcome<string> busy;
        try
        {
            busy = await RegisterAsync(busyName, $"{busyName}@example.com", GoodPassword);
        }
        finally
        {
            foreach (var lease in held) lease.Dispose();
        }
        Assert.Equal(RefusalKind.Throttled, busy.Refusal?.Kind);
        Assert.Contains("busy", busy.Said());
        Assert.False(await Db(db => db.Users.AnyAsync(u => u.Username == busyName)));

        Assert.True((await RegisterAsync(busyName, $"{busyName}@example.com", GoodPassword)).Succeeded);
    }
}

public sealed class RegistrationTestsSqlite(SqliteServer server) : RegistrationTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class RegistrationTestsPostgres(PostgresServer server) : RegistrationTests<PostgresServer>(server), IClassFixture<PostgresServer>;
