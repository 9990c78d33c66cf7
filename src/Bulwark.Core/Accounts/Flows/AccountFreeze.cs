using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Bulwark.Core.Moderation;
using Bulwark.Core.Outcomes;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>
/// A responder's freeze of an account believed to be in someone else's hands (<c>user freeze</c>, the admin
/// user page). Freezing is meant to stop the damage at once and nothing else:
/// <list type="bullet">
/// <item>every session ends now, not at its next request, so a signed-in attacker loses the browser at once;</item>
/// <item>API tokens are not revoked but refused while the flag is set (the token check reads the account on every
///   use), so an unfreeze after a mistaken freeze gives the owner back working tokens, while a restoration after a
///   real compromise revokes them;</item>
/// <item>sign-in, password reset and e-mail changes already refuse a frozen account, so the attacker cannot
///   sign in again with the phished password.</item>
/// </list>
/// Trusted Publishing is left alone on purpose: its tokens are minted for the publisher's own identity from a
/// CI workflow's OIDC proof, which a phished password or a stolen API token does not give; an attacker who added a
/// publisher is found in the activity review and the publisher removed there.
/// </summary>
public sealed class AccountFreeze(
    BulwarkDbContext db,
    SessionService sessions,
    AuditLog audit,
    IEmailSender mail,
    IOptions<ModerationOptions> moderation,
    TimeProvider time)
{
    public async Task<Outcome<string>> FreezeAsync(User user, string reason, Actor actor, CancellationToken ct = default)
    {
        reason = reason?.Trim() ?? "";
        if (reason.Length == 0) return Refusal.Invalid("A reason is required: it is recorded and e-mailed to the owner.", "reason");
        if (reason.Length > 500) return Refusal.Invalid("The reason must be at most 500 characters.", "reason");
        if (user.IsFrozen) return Refusal.Conflict($"'{user.Username}' is already frozen.");
        user.IsFrozen = true;
        audit.Record(AuditEventType.AccountFrozenByAdmin, actor, user.Id, details: new AccountFreezeDetails(reason));
        await db.SaveChangesAsync(ct);
        var ended = await sessions.RevokeAllAsync(user.Id, SessionEndReason.AccountFrozen, actor, ct);
        if (!user.IsAutomation)
        {
            await mail.SendAsync(SecurityEmails.AccountFrozenByAdministrators(user.Email, user.Username, time.GetUtcNow(), reason, moderation.Value.ContactText), ct);
        }
        return $"Froze '{user.Username}': {ended} session(s) ended, its API tokens are refused, sign-in is refused"
            + (user.IsAutomation ? "." : $"; the owner was e-mailed at {user.Email}.");
    }

    /// <summary>
    /// Lifts a freeze that was a mistake: nothing is reset. After a real compromise use
    /// <see cref="AccountRestoration"/>, which replaces the password and revokes the tokens.
    /// </summary>
    public async Task<Outcome<string>> UnfreezeAsync(User user, Actor actor, CancellationToken ct = default)
    {
        if (!user.IsFrozen) return Refusal.Conflict($"'{user.Username}' is not frozen.");
        user.IsFrozen = false;
        audit.Record(AuditEventType.AccountUnfrozen, actor, user.Id);
        await db.SaveChangesAsync(ct);
        return $"Unfroze '{user.Username}': sign-in and its API tokens work again. After a compromise use 'user restore' instead.";
    }
}

/// <summary>Why responders froze an account (<see cref="AuditEventType.AccountFrozenByAdmin"/>).</summary>
public sealed record AccountFreezeDetails(string Reason) : IAuditDetails;
