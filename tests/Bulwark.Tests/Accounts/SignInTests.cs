using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Accounts;

public abstract class SignInTests<TServer>(TServer server) : AccountFlowTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Correct_password_signs_in_with_a_server_side_session()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var actor = NewActor();
        var result = await SignInAsync(username.ToUpperInvariant(), GoodPassword, actor);
        Assert.Equal(SignInOutcome.SignedIn, result.Outcome);
        Assert.NotNull(result.SessionId);
        var check = await ValidateAsync(result.SessionId!);
        Assert.True(check.IsSignedIn);
        Assert.Equal(username, check.User!.Username);
        Assert.Equal(AuthMethod.Password, check.Session!.AuthMethod);
        Assert.Equal(actor.IpAddress, check.Session.IpAddress);
        Assert.Equal("integration-test/1.0", check.Session.UserAgent);
        var stored = await Db(db => db.UserSessions.AsNoTracking().SingleAsync(s => s.Id == check.Session.Id));
        Assert.Equal(OpaqueSecret.Hash(result.SessionId), stored.TokenHash);
        Assert.Contains(AuditEventType.LoginSuccess, await EventsAsync(check.User.Id));
    }

    [Fact]
    public async Task Unknown_user_wrong_password_and_automation_account_get_one_answer()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var automation = Unique("bot");
        await Server.CreateTokenAsync(automation);

        var wrong = await SignInAsync(username, OtherGoodPassword);
        var unknown = await SignInAsync(Unique("nobody"), GoodPassword);
        var bot = await SignInAsync(automation, GoodPassword);
        var tooLong = await SignInAsync(username, new string('x', 5000));

        foreach (var r in new[] { wrong, unknown, bot, tooLong })
        {
            Assert.Equal(SignInOutcome.Failed, r.Outcome);
            Assert.Equal(PasswordSignIn.FailedMessage, r.Message);
            Assert.Null(r.SessionId);
        }
        var userId = (await LoadUserAsync(username)).Id;
        Assert.Equal(2, (await EventsAsync(userId)).Count(e => e == AuditEventType.LoginFailure));
        var failure = await Db(db => db.AuditEvents.AsNoTracking().FirstAsync(e => e.UserId == userId && e.Type == AuditEventType.LoginFailure));
        Assert.NotNull(failure.IpAddress);
        Assert.Equal("integration-test/1.0", failure.UserAgent);
    }

    [Fact]
    public async Task Unknown_user_takes_about_as_long_as_a_wrong_password()
    {
        var (username, _) = await RegisterVerifiedAsync();
        await SignInAsync(Unique("warm"), GoodPassword); // warm-up
        var known = System.Diagnostics.Stopwatch.StartNew();
        await SignInAsync(username, OtherGoodPassword);
        known.Stop();
        var unknown = System.Diagnostics.Stopwatch.StartNew();
        await SignInAsync(Unique("nobody"), OtherGoodPassword);
        unknown.Stop();
        // Both pay one Argon2 derivation; without the dummy hash the unknown user would be ~100x faster.
        Assert.True(unknown.Elapsed > known.Elapsed / 3, $"unknown {unknown.Elapsed.TotalMilliseconds} ms vs wrong password {known.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Sign_in_upgrades_a_hash_with_old_parameters()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var old = OldHash(GoodPassword);
        await Db(db => db.Users.Where(u => u.Username == username).ExecuteUpdateAsync(u => u.SetProperty(x => x.PasswordHash, old)));
        var hasher = new PasswordHasher();
        Assert.True(hasher.NeedsRehash(old));

        Assert.Equal(SignInOutcome.SignedIn, (await SignInAsync(username, GoodPassword)).Outcome);
        var user = await LoadUserAsync(username);
        Assert.NotEqual(old, user.PasswordHash);
        Assert.False(hasher.NeedsRehash(user.PasswordHash!));
        Assert.True(hasher.Verify(user.PasswordHash!, GoodPassword));
        Assert.Contains(AuditEventType.PasswordRehashed, await EventsAsync(user.Id));
        Assert.Equal(SignInOutcome.SignedIn, (await SignInAsync(username, GoodPassword)).Outcome);
    }

    [Fact]
    public async Task A_frozen_account_cannot_sign_in()
    {
        var (username, _) = await RegisterVerifiedAsync();
        await Db(db => db.Users.Where(u => u.Username == username).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsFrozen, true)));
        var wrong = await SignInAsync(username, OtherGoodPassword);
        Assert.Equal(SignInOutcome.Failed, wrong.Outcome); // the freeze is told only to who knows the password
        var right = await SignInAsync(username, GoodPassword);
        Assert.Equal(SignInOutcome.Frozen, right.Outcome);
        Assert.Null(right.SessionId);
        Assert.Contains("frozen", right.Message);
    }

    [Fact]
    public async Task Ten_failures_throttle_the_account_with_retry_after_even_for_the_right_password()
    {
        var (username, _) = await RegisterVerifiedAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(SignInOutcome.Failed, (await SignInAsync(username, OtherGoodPassword + i)).Outcome);
        }
        var blocked = await SignInAsync(username, GoodPassword);
        Assert.Equal(SignInOutcome.Throttled, blocked.Outcome);
        Assert.InRange(blocked.RetryAfterSeconds, 240, 300);
        Assert.Null(blocked.SessionId);
        Assert.Contains("Too many failed sign-in attempts", blocked.Message);
        var userId = (await LoadUserAsync(username)).Id;
        Assert.Equal(10, (await EventsAsync(userId)).Count(e => e == AuditEventType.LoginFailure));
        Assert.Contains(AuditEventType.LoginThrottled, await EventsAsync(userId));
    }

    [Fact]
    public async Task Unknown_usernames_are_throttled_exactly_like_real_ones()
    {
        var ghost = Unique("ghost");
        for (var i = 0; i < 10; i++) await SignInAsync(ghost, OtherGoodPassword);
        var blocked = await SignInAsync(ghost, OtherGoodPassword);
        Assert.Equal(SignInOutcome.Throttled, blocked.Outcome);
        Assert.InRange(blocked.RetryAfterSeconds, 240, 300);
    }

    [Fact]
    public async Task Ten_failures_from_one_network_throttle_it()
    {
        var actor = NewActor();
        for (var i = 0; i < 10; i++) await SignInAsync(Unique("spray"), OtherGoodPassword, actor);
        var (username, _) = await RegisterVerifiedAsync();
        Assert.Equal(SignInOutcome.Throttled, (await SignInAsync(username, GoodPassword, actor)).Outcome);
        Assert.Equal(SignInOutcome.SignedIn, (await SignInAsync(username, GoodPassword, NewActor())).Outcome);
    }
}

public sealed class SignInTestsSqlite(SqliteServer server) : SignInTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class SignInTestsPostgres(PostgresServer server) : SignInTests<PostgresServer>(server), IClassFixture<PostgresServer>;
