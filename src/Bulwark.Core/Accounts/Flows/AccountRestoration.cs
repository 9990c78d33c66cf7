using System.Security.Cryptography;
using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Bulwark.Core.Moderation;
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
///   a new device again;</item>
/// <item>every second factor and recovery code is deleted: an attacker who held the account may have enrolled
///   their own authenticator or key, or printed fresh recovery codes, and any of those would let them back in
///   after the restore. The owner enrols again at the first sign-in; until then the two-factor mandates refuse
///   their uploads to the projects that require a second factor.</item>
/// </list>
/// The e-mail lists what the account did during the window so that the owner can tell their own actions from
/// the attacker's.
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
    AccountActivity activity,
    TimeProvider time)
{
    /// <param name="windowStart">The start of the compromise window whose activity the e-mail lists; without it, the 30 days before now.</param>
    public async Task<Outcome<AccountRestored>> RestoreAsync(User user, Actor actor, CancellationToken ct = default, DateTimeOffset? windowStart = null)
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
        var factors = await ResetSecondFactorsAsync(user.Id, ct);
        audit.Record(AuditEventType.AccountRestored, actor, user.Id,
            details: new AccountRestoredDetails(open.Count, factors));
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
        var since = windowStart ?? now - TimeSpan.FromDays(30);
        var done = (await activity.SinceAsync(user, since, ct)).Select(Describe).ToList();
        await mail.SendAsync(SecurityEmails.AccountRestored(user.Email, user.Username, now, open.Count, links.ResetPassword(issued.Secret), issued.ValidFor, since, done), ct);
        return new AccountRestored($"Restored '{user.Username}': old password replaced, {open.Count} API token(s) revoked, {factors} second factor(s) and the recovery codes removed, sessions ended; a password-reset link was e-mailed to {user.Email}.", open.Count);
    }

    /// <summary>Deletes every TOTP credential, security key, passkey and recovery code of the account; returns how many factors went.</summary>
    private async Task<int> ResetSecondFactorsAsync(long userId, CancellationToken ct)
    {
        var totp = await db.TotpCredentials.Where(t => t.UserId == userId).ToListAsync(ct);
        var keys = await db.WebAuthnCredentials.Where(k => k.UserId == userId).ToListAsync(ct);
        var sets = await db.RecoveryCodeSets.Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync(ct);
        db.RecoveryCodes.RemoveRange(await db.RecoveryCodes.Where(c => sets.Contains(c.SetId)).ToListAsync(ct));
        db.RecoveryCodeSets.RemoveRange(await db.RecoveryCodeSets.Where(s => s.UserId == userId).ToListAsync(ct));
        db.TotpCredentials.RemoveRange(totp);
        db.WebAuthnCredentials.RemoveRange(keys);
        return totp.Count + keys.Count;
    }

    private static string Describe(ActivityEvent e) =>
        $"{e.Time.UtcDateTime:yyyy-MM-dd HH:mm} UTC  {e.Type}"
        + (e.Project is null ? "" : $"  {e.Project} {e.Version}".TrimEnd())
        + (e.Filename is null ? "" : $"  {e.Filename}")
        + (e.Ip is null ? "" : $"  from {e.Ip}");
}
