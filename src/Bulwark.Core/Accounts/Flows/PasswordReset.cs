using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>Sets a new password through an e-mailed reset link.</summary>
public sealed class PasswordReset(
    BulwarkDbContext db,
    PasswordPolicy policy,
    PasswordHasher hasher,
    AccountTokenService tokens,
    SessionService sessions,
    AuditLog audit,
    IEmailSender mail,
    TimeProvider time)
{
    /// <summary>Whether the link can still be used: the page shows the form only then.</summary>
    public async Task<Outcome<string>> CheckLinkAsync(string? token, CancellationToken ct = default)
    {
        var peek = await tokens.PeekAsync(token, AccountTokenPurpose.ResetPassword, ct);
        return peek.Succeeded ? Outcome.Ok("Choose a new password.") : Refusal.LinkRejected(peek.Message);
    }

    public async Task<Outcome<string>> ResetAsync(string? token, string newPassword, Actor actor, CancellationToken ct = default)
    {
        // Policy first, against the link's account, without using the link up: a refused password
        // leaves the link valid for the next try.
        var peek = await tokens.PeekAsync(token, AccountTokenPurpose.ResetPassword, ct);
        if (!peek.Succeeded) return await LinkRejection.RecordAsync(db, audit, peek, actor, ct);
        var user = peek.Token!.User;
        if (policy.Check(newPassword, new PasswordContext(user.Username, user.Email)) is { IsAcceptable: false } verdict)
        {
            return Refusal.Invalid(field: "password", message: verdict.Message!);
        }

        var redemption = await tokens.RedeemAsync(token, AccountTokenPurpose.ResetPassword, ct);
        if (!redemption.Succeeded) return await LinkRejection.RecordAsync(db, audit, redemption, actor, ct);
        if (user.IsFrozen || user.IsAutomation)
        {
            return Refusal.Forbidden("This account's password cannot be reset here. Contact the index administrators.");
        }

        var now = time.GetUtcNow();
        user.PasswordHash = hasher.Hash(newPassword);
        user.PasswordChangedAt = now;
        // Opening the link proved the owner reads the address it was sent to.
        if (string.Equals(redemption.Token!.Email, user.Email, StringComparison.OrdinalIgnoreCase)) user.EmailVerified = true;
        audit.Record(AuditEventType.PasswordReset, actor with { UserId = user.Id }, user.Id);
        await db.SaveChangesAsync(ct);
        await tokens.InvalidateOutstandingAsync(user.Id, AccountTokenPurpose.ResetPassword, ct);
        // Whoever knew the old password may hold a session: a reset ends all of them.
        await sessions.RevokeAllAsync(user.Id, SessionEndReason.PasswordReset, actor with { UserId = user.Id }, ct);
        await mail.SendAsync(AccountEmails.PasswordChanged(user.Email, user.Username, now, actor.IpAddress, byReset: true), ct);
        return Outcome.Ok("Your password was changed. Sign in with the new password.");
    }
}
