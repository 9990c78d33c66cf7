using System.Globalization;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.TwoFactor;

public enum FactorRemovalOutcome
{
    Removed = 1,
    NotFound = 2,
    /// <summary>It is the account's last usable factor and a policy (a 2FA mandate) requires one.</summary>
    LastFactorRequired = 3,
}

public sealed record FactorRemovalResult(FactorRemovalOutcome Outcome, bool OwnerNotified = false)
{
    public bool Succeeded => Outcome == FactorRemovalOutcome.Removed;

    public string Message => Outcome switch
    {
        FactorRemovalOutcome.Removed => "",
        FactorRemovalOutcome.LastFactorRequired => "This is your last two-factor method and this index requires one. Add another method before removing it.",
        _ => "There is no such two-factor method on your account.",
    };
}

/// <summary>
/// Removes a TOTP authenticator or a WebAuthn credential. The web layer requires a fresh step-up first and
/// decides whether a policy needs a factor (the mandate applies to this user, or to a project they own).
/// </summary>
public sealed class FactorRemoval(BulwarkDbContext db, TwoFactorStatusQuery status, AuditLog audit, FactorNotifications notifications)
{
    /// <summary>
    /// Whether removing one factor of <paramref name="method"/> is allowed. A flagged (unusable) credential
    /// is not counted as a factor, so it can always be removed: pass <paramref name="removingUsableFactor"/> false.
    /// </summary>
    public static bool CanRemove(TwoFactorStatus current, bool removingUsableFactor, bool policyRequiresFactor) =>
        !policyRequiresFactor || !removingUsableFactor || current.FactorCount > 1;

    public async Task<FactorRemovalResult> RemoveTotpAsync(User user, bool policyRequiresFactor, Actor actor, CancellationToken ct = default)
    {
        var totp = await db.TotpCredentials.FirstOrDefaultAsync(t => t.UserId == user.Id, ct);
        if (totp is null) return new(FactorRemovalOutcome.NotFound);
        if (!CanRemove(await status.GetAsync(user.Id, ct), totp.IsConfirmed, policyRequiresFactor))
        {
            return new(FactorRemovalOutcome.LastFactorRequired);
        }
        db.TotpCredentials.Remove(totp);
        if (!totp.IsConfirmed)
        {
            // An abandoned enrolment was never a factor: nothing to tell anyone.
            await db.SaveChangesAsync(ct);
            return new(FactorRemovalOutcome.Removed);
        }
        audit.Record(AuditEventType.FactorRemoved, actor, user.Id,
            details: FactorAuditDetails.Of(SecondFactorMethod.Totp, totp.Id.ToString(CultureInfo.InvariantCulture)));
        await db.SaveChangesAsync(ct);
        var notified = await notifications.SendAsync(FactorNoticeKind.FactorRemoved, user, actor, SecondFactorMethod.Totp, "Authenticator app", ct: ct);
        return new(FactorRemovalOutcome.Removed, notified);
    }

    /// <param name="credentialRowId">The <see cref="WebAuthnCredential.Id"/> shown on the settings page.</param>
    public async Task<FactorRemovalResult> RemoveWebAuthnAsync(User user, long credentialRowId, bool policyRequiresFactor, Actor actor, CancellationToken ct = default)
    {
        // Scoped to the user: an id from another account is simply not found.
        var credential = await db.WebAuthnCredentials.FirstOrDefaultAsync(c => c.Id == credentialRowId && c.UserId == user.Id, ct);
        if (credential is null) return new(FactorRemovalOutcome.NotFound);
        if (!CanRemove(await status.GetAsync(user.Id, ct), credential.IsUsable, policyRequiresFactor))
        {
            return new(FactorRemovalOutcome.LastFactorRequired);
        }
        var method = WebAuthnAssertion.MethodOf(credential);
        db.WebAuthnCredentials.Remove(credential);
        audit.Record(AuditEventType.FactorRemoved, actor, user.Id,
            details: FactorAuditDetails.Of(method, FactorAuditDetails.CredentialId(credential.CredentialId), credential.Name));
        await db.SaveChangesAsync(ct);
        var notified = await notifications.SendAsync(FactorNoticeKind.FactorRemoved, user, actor, method, credential.Name, ct: ct);
        return new(FactorRemovalOutcome.Removed, notified);
    }
}
