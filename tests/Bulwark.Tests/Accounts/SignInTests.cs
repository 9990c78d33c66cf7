using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Shared.Throttling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task Unknown_user_costs_one_password_derivation_like_a_wrong_password()
    {
        // The time of an answer must not tell an unknown name from a wrong password: both pay exactly one Argon2
        // derivation (the unknown name a dummy one). Counted, not timed, so a loaded machine cannot fail it.
        var (username, _) = await RegisterVerifiedAsync();
        var hasher = Server.Services.GetRequiredService<PasswordHasher>();
        var before = hasher.Derivations;
        await SignInAsync(Unique("nobody"), OtherGoodPassword);
        var forUnknown = hasher.Derivations - before;
        before = hasher.Derivations;
        await SignInAsync(username, OtherGoodPassword);
        var forWrong = hasher.Derivations - before;
        Assert.True(forUnknown >= 1, $"an unknown name ran {forUnknown} derivations");
        Assert.True(forWrong >= 1, $"a wrong password ran {forWrong} derivations");
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

    /// <summary>A browser's device cookie as the login page would set it.</summary>
    private static string NewDeviceCookie() => OpaqueSecret.Create().Secret;

    private async Task<SignInEvidence> SolvedAsync(string username, Actor actor, string deviceCookie)
    {
        var challenge = await Flow<ProofChallenge?, PasswordSignIn>(s => s.ChallengeForAsync(username, deviceCookie, actor));
        Assert.NotNull(challenge);
        return new SignInEvidence(deviceCookie, challenge.Token, ProofSolver.Solve(challenge.Token, challenge.Bits));
    }

    [Fact]
    public async Task Ten_failures_make_a_new_browser_prove_work_and_then_hide_the_result_behind_an_emailed_link()
    {
        var (username, email) = await RegisterVerifiedAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(SignInOutcome.Failed, (await SignInAsync(username, OtherGoodPassword + i)).Outcome);
        }

        // The right password from a new browser is not refused (no 429) and not checked: it is asked for a proof.
        var owner = NewActor();
        var ownerBrowser = NewDeviceCookie();
        var asked = await Flow<SignInResult, PasswordSignIn>(s => s.SignInAsync(username, GoodPassword, owner, new SignInEvidence(ownerBrowser)));
        Assert.Equal(SignInOutcome.ProofRequired, asked.Outcome);
        Assert.Null(asked.SessionId);
        Assert.Equal(0, asked.RetryAfterSeconds);
        Assert.NotNull(asked.Challenge);
        Assert.InRange(asked.Challenge.Bits, 19, 22); // the default 18, and more: the account is past its limit
        Assert.Contains("puzzle", asked.Message);

        // With the proof, the right and a wrong password get the same answer; only the right one mails a link.
        var right = await Flow<SignInResult, PasswordSignIn>(async s => await s.SignInAsync(username, GoodPassword, owner, await SolvedAsync(username, owner, ownerBrowser)));
        var guesser = NewActor();
        var wrong = await Flow<SignInResult, PasswordSignIn>(async s => await s.SignInAsync(username, OtherGoodPassword, guesser, await SolvedAsync(username, guesser, NewDeviceCookie())));
        foreach (var answer in new[] { right, wrong })
        {
            Assert.Equal(SignInOutcome.LinkSent, answer.Outcome);
            Assert.Equal(PasswordSignIn.LinkSentMessage, answer.Message);
            Assert.Null(answer.SessionId);
        }
        var mail = await PickupMail.WaitForAsync(Server, email, "Finish signing in");
        Assert.Single(PickupMail.To(Server, email), m => m.Subject!.Contains("Finish signing in"));
        var link = PickupMail.TokenFrom(mail, AccountLinks.ContinueSignInPath);

        // The link works only in the browser that entered the password, and once.
        var elsewhere = await Flow<SignInResult, SignInContinuation>(c => c.ContinueAsync(link, NewDeviceCookie(), NewActor()));
        Assert.Equal(SignInOutcome.Failed, elsewhere.Outcome);
        Assert.Equal(SignInContinuation.LinkRefusedMessage, elsewhere.Message);
        var done = await Flow<SignInResult, SignInContinuation>(c => c.ContinueAsync(link, ownerBrowser, owner));
        Assert.Equal(SignInOutcome.SignedIn, done.Outcome);
        Assert.True((await ValidateAsync(done.SessionId!)).IsSignedIn);
        Assert.Equal(SignInOutcome.Failed, (await Flow<SignInResult, SignInContinuation>(c => c.ContinueAsync(link, ownerBrowser, owner))).Outcome);

        var userId = (await LoadUserAsync(username)).Id;
        var events = await EventsAsync(userId);
        Assert.Equal(11, events.Count(e => e == AuditEventType.LoginFailure));
        Assert.Contains(AuditEventType.SignInProofRequired, events);
        Assert.Contains(AuditEventType.SignInLinkSent, events);
        Assert.DoesNotContain(AuditEventType.LoginThrottled, events);

        // The browser that used the link is now known to the account: the password alone signs it in.
        var again = await Flow<SignInResult, PasswordSignIn>(s => s.SignInAsync(username, GoodPassword, NewActor(), new SignInEvidence(ownerBrowser)));
        Assert.Equal(SignInOutcome.SignedIn, again.Outcome);
    }

    [Fact]
    public async Task Unknown_usernames_are_limited_exactly_like_real_ones()
    {
        var ghost = Unique("ghost");
        var (real, _) = await RegisterVerifiedAsync();
        var answers = new List<SignInResult>();
        foreach (var name in new[] { ghost, real })
        {
            for (var i = 0; i < 10; i++) await SignInAsync(name, OtherGoodPassword);
            var actor = NewActor();
            var browser = NewDeviceCookie();
            var asked = await SignInAsync(name, OtherGoodPassword, actor);
            Assert.Equal(SignInOutcome.ProofRequired, asked.Outcome);
            answers.Add(asked);
            answers.Add(await Flow<SignInResult, PasswordSignIn>(async s => await s.SignInAsync(name, OtherGoodPassword, actor, await SolvedAsync(name, actor, browser))));
        }
        Assert.Equal(answers[0].Message, answers[2].Message);
        Assert.Equal(answers[0].Challenge!.Bits, answers[2].Challenge!.Bits);
        Assert.Equal(SignInOutcome.LinkSent, answers[1].Outcome);
        Assert.Equal(answers[1], answers[3]);
    }

    [Fact]
    public async Task Without_an_attack_no_proof_is_asked_for()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var actor = NewActor();
        Assert.Null(await Flow<ProofChallenge?, PasswordSignIn>(s => s.ChallengeForAsync(username, NewDeviceCookie(), actor)));
        Assert.Equal(SignInOutcome.SignedIn, (await SignInAsync(username, GoodPassword, actor)).Outcome);
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
