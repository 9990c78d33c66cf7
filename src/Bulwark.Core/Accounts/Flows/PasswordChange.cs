using System.Text;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>Changes the password of the signed-in user, who must give the current one.</summary>
public sealed class PasswordChange(
    BulwarkDbContext db,
    PasswordPolicy policy,
    PasswordHasher hasher,
    AccountTokenService tokens,
    SessionService sessions,
    AuthThrottle throttle,
    PasswordCheckGate gate,
    AuditLog audit,
    IEmailSender mail,
    TimeProvider time)
{
    public async Task<Outcome<string>> ChangeAsync(UserSession current, string currentPassword, string newPassword, Actor actor, CancellationToken ct = default)
    {
        var user = current.User;
        if (user.PasswordHash is null || user.IsFrozen)
        {
            return Refusal.Forbidden("This account's password cannot be changed here.");
        }
        // A stolen session must not turn this form into a password-guessing oracle: wrong answers count as
        // failed sign-ins of the account, and against the session's own budget (the per-account numbers).
        // Not against the account-wide counters: a flood against the account would lock its owner out here.
        var decision = await throttle.CheckSessionPasswordAsync(current.Id, ct);
        if (!decision.Allowed) return Refusal.Throttled(TimeSpan.FromSeconds(decision.RetryAfterSeconds));
        if (!await gate.VerifyTrustedAsync(hasher, user.PasswordHash, currentPassword, ct))
        {
            await throttle.RecordSessionPasswordFailureAsync(user.Username, current.Id, actor.IpAddress, ct);
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = user.Id }, user.Id,
                details: new LoginFailureDetails(null, "wrong current password at password change"));
            await db.SaveChangesAsync(ct);
            return Refusal.WrongCredentials("The current password is incorrect.", "currentPassword");
        }
        if (policy.Check(newPassword, new PasswordContext(user.Username, user.Email)) is { IsAcceptable: false } verdict)
        {
            return Refusal.Invalid(field: "newPassword", message: verdict.Message!);
        }
        if (newPassword == currentPassword)
        {
            return Refusal.Invalid(field: "newPassword", message: "The new password must be different from the current one.");
        }

        var now = time.GetUtcNow();
        user.PasswordHash = hasher.Hash(newPassword);
        user.PasswordChangedAt = now;
        audit.Record(AuditEventType.PasswordChanged, actor with { UserId = user.Id }, user.Id);
        await db.SaveChangesAsync(ct);
        // A reset link mailed before the change would undo it; sessions elsewhere may be the reason for it.
        await tokens.InvalidateOutstandingAsync(user.Id, AccountTokenPurpose.ResetPassword, ct);
        await sessions.RevokeAllExceptAsync(user.Id, current.Id, SessionEndReason.PasswordChanged, actor with { UserId = user.Id }, ct);
        await mail.SendAsync(AccountEmails.PasswordChanged(user.Email, user.Username, now, actor.IpAddress, byReset: false), ct);
        return Outcome.Ok("Your password was changed. Every other session was signed out.");
    }
}
