using System.Security.Cryptography;
using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Bulwark.Core.Outcomes;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>A restored account: the report for the operator, and how many API tokens were revoked.</summary>
public sealed record AccountRestored(string Message, int TokensRevoked);

/// <summary>
/// Operator-assisted recovery of a frozen account (after "this was not me", or a freeze by the responders).
/// The freeze assumed the password was in someone else's hands, so restoring does not simply clear the flag:
/// <list type="bullet">
/// <item>the password is replaced by a random one nobody knows, so the phished password stops working the moment
///   the account is usable again, and the owner sets a new one through a reset link sent to the account's address
///   (the address was not changed by the attacker: changing it needs a confirmed device);</item>
/// <item>every API token is revoked, because a token made before the freeze may have been made by the attacker
///   and tokens are what upload;</item>
/// <item>every session ends and every remembered browser is forgotten, so the next sign-in from any browser is
///   a new device again.</item>
/// </list>
/// Second factors are kept: a relay obtains one-time codes, not the TOTP secret or a key, and deleting them would
/// leave the account unprotected until the owner enrols again. The e-mail asks the owner to replace them.
/// </summary>
public sealed class AccountRestoration(
    BulwarkDbContext db,
    PasswordHasher hasher,
    AccountTokenService accountTokens,
    SessionService sessions,
    KnownDevices devices,
    AuditLog audit,
    IEmailSender mail,
    AccountLinks links,
    TimeProvider time)
{
    public async Task<Outcome<AccountRestored>> RestoreAsync(User user, Actor actor, CancellationToken ct = default)
    {
        if (!user.IsFrozen) return Refusal.Conflict($"'{user.Username}' is not frozen; there is nothing to restore.");
        var now = time.GetUtcNow();
        user.IsFrozen = false;
        // An automation account has no password (and so no reset link): the operator mints its tokens again.
        if (!user.IsAutomation)
        {
            user.PasswordHash = hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            user.PasswordChangedAt = now;
        }
        var open = await db.ApiTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null).ToListAsync(ct);
        foreach (var token in open) token.RevokedAt = now;
        audit.Record(AuditEventType.AccountRestored, actor, user.Id,
            details: new AccountRestoredDetails(open.Count));
        await db.SaveChangesAsync(ct);
        await sessions.RevokeAllAsync(user.Id, SessionEndReason.RevokedByAdmin, actor, ct);
        await devices.ForgetAllAsync(user.Id, ct);
        if (user.IsAutomation)
        {
            return new AccountRestored($"Restored automation account '{user.Username}'; {open.Count} API token(s) revoked. Mint new ones with 'token create'.", open.Count);
        }
        // Issuing supersedes any reset link sent before the freeze.
        var issued = await accountTokens.IssueAsync(user, AccountTokenPurpose.ResetPassword, user.Email, ct);
        await db.SaveChangesAsync(ct);
        await mail.SendAsync(SecurityEmails.AccountRestored(user.Email, user.Username, now, open.Count, links.ResetPassword(issued.Secret), issued.ValidFor), ct);
        return new AccountRestored($"Restored '{user.Username}': old password replaced, {open.Count} API token(s) revoked, sessions ended; a password-reset link was e-mailed to {user.Email}.", open.Count);
    }
}
