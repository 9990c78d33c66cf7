using System.Text;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;

namespace Bulwark.Core.Accounts.Flows;

public enum SignInOutcome
{
    /// <summary>Fully signed in: set the cookie to <see cref="SignInResult.SessionId"/>.</summary>
    SignedIn,
    /// <summary>Password verified; the session only allows the second step. Set the cookie and go there.</summary>
    SecondFactorRequired,
    /// <summary>Unknown user, wrong password or an account that cannot sign in: one answer for all.</summary>
    Failed,
    /// <summary>Answer 429 with Retry-After.</summary>
    Throttled,
    /// <summary>Correct password on a frozen account (only then is the freeze worth telling).</summary>
    Frozen,
}

public sealed record SignInResult(SignInOutcome Outcome, string Message, string? SessionId = null, UserSession? Session = null, int RetryAfterSeconds = 0)
{
    public User? User => Session?.User;
}

/// <summary>
/// Password sign-in. Every failure looks and takes the same: an unknown username, an automation account
/// (which has no password) and a wrong password all spend one Argon2 verification and give the same message.
/// </summary>
public sealed class PasswordSignIn(
    BulwarkDbContext db,
    UserService users,
    PasswordHasher hasher,
    SessionService sessions,
    AuthThrottle throttle,
    TwoFactorStatusQuery twoFactor,
    AuditLog audit)
{
    public const string FailedMessage = "The username or password is incorrect.";

    public async Task<SignInResult> SignInAsync(string username, string password, Actor actor, CancellationToken ct = default)
    {
        username = username.Trim();
        var decision = await throttle.CheckLoginAsync(username, actor.IpAddress, ct);
        var user = UserService.IsValidUsername(username) ? await users.FindByUsernameAsync(username, ct) : null;
        if (!decision.Allowed)
        {
            audit.Record(AuditEventType.LoginThrottled, actor with { UserId = null }, user?.Id,
                details: System.Text.Json.JsonSerializer.Serialize(new { username, limit = decision.Limit, retryAfter = decision.RetryAfterSeconds }));
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInOutcome.Throttled,
                $"Too many failed sign-in attempts. Try again in {AccountResult.DescribeWait(decision.RetryAfterSeconds)}.",
                RetryAfterSeconds: decision.RetryAfterSeconds);
        }

        bool verified;
        if (Encoding.UTF8.GetByteCount(password) > PasswordHasher.MaxPasswordBytes)
        {
            verified = false; // no stored password can be this long; refused before hashing to bound the work
        }
        else if (user?.PasswordHash is { } hash)
        {
            verified = hasher.Verify(hash, password);
        }
        else
        {
            verified = hasher.VerifyNothing(password);
        }

        if (!verified)
        {
            await throttle.RecordLoginFailureAsync(username, actor.IpAddress, ct);
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = null }, user?.Id,
                details: System.Text.Json.JsonSerializer.Serialize(new { username, reason = user is null ? "unknown user" : user.IsAutomation ? "automation account" : "wrong password" }));
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInOutcome.Failed, FailedMessage);
        }

        var account = user!;
        if (account.IsFrozen)
        {
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = null }, account.Id,
                details: System.Text.Json.JsonSerializer.Serialize(new { username, reason = "frozen" }));
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInOutcome.Frozen, "This account is frozen. Contact the index administrators.");
        }

        if (hasher.NeedsRehash(account.PasswordHash!))
        {
            // Parameters travel with each hash; the only moment the plain password is at hand to upgrade
            // an old hash is a successful sign-in.
            account.PasswordHash = hasher.Hash(password);
            audit.Record(AuditEventType.PasswordRehashed, actor with { UserId = account.Id }, account.Id);
        }

        // Any usable factor (TOTP, security key, passkey) makes the password only the first step.
        var secondFactor = (await twoFactor.GetAsync(account.Id, ct)).HasAnyFactor;
        var created = await sessions.CreateAsync(account, AuthMethod.Password, secondFactor, actor, ct);
        audit.Record(AuditEventType.LoginSuccess, actor with { UserId = account.Id }, account.Id,
            details: System.Text.Json.JsonSerializer.Serialize(new { session = created.Session.Id, method = AuthMethod.Password.ToString(), secondFactorPending = secondFactor }));
        await db.SaveChangesAsync(ct);
        return secondFactor
            ? new SignInResult(SignInOutcome.SecondFactorRequired, "Enter your second factor to finish signing in.", created.SessionId, created.Session)
            : new SignInResult(SignInOutcome.SignedIn, "Signed in.", created.SessionId, created.Session);
    }
}
