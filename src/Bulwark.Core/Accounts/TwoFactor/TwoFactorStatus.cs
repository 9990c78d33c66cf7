using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.TwoFactor;

/// <summary>
/// An account's second factors at a glance, for sign-in (ask for a second step?), mandates and the
/// settings page. Credentials flagged as possibly cloned do not count: they cannot be used.
/// </summary>
public sealed record TwoFactorStatus(
    bool HasTotp,
    int SecurityKeyCount,
    int PasskeyCount,
    int RecoveryCodesRemaining,
    bool RecoveryCodesConfirmed)
{
    public static readonly TwoFactorStatus None = new(false, 0, 0, 0, false);

    public int FactorCount => (HasTotp ? 1 : 0) + SecurityKeyCount + PasskeyCount;

    /// <summary>Any usable factor: sign-in with a password must ask for a second step.</summary>
    public bool HasAnyFactor => FactorCount > 0;

    /// <summary>A security key or passkey: bound to the site's origin, so a phishing proxy cannot relay it.</summary>
    public bool HasPhishingResistantFactor => SecurityKeyCount + PasskeyCount > 0;

    /// <summary>
    /// Two-factor set-up is complete: a factor exists and the user proved they saved their recovery codes
    /// (PyPI's rule that a code must be confirmed before 2FA counts). Mandates test this.
    /// </summary>
    public bool IsComplete => HasAnyFactor && RecoveryCodesConfirmed;

    public IReadOnlyList<SecondFactorMethod> Methods
    {
        get
        {
            var methods = new List<SecondFactorMethod>(3);
            if (PasskeyCount > 0) methods.Add(SecondFactorMethod.Passkey);
            if (SecurityKeyCount > 0) methods.Add(SecondFactorMethod.SecurityKey);
            if (HasTotp) methods.Add(SecondFactorMethod.Totp);
            return methods;
        }
    }
}

/// <summary>Reads <see cref="TwoFactorStatus"/> from the database.</summary>
public sealed class TwoFactorStatusQuery(BulwarkDbContext db)
{
    public async Task<TwoFactorStatus> GetAsync(long userId, CancellationToken ct = default)
    {
        var hasTotp = await db.TotpCredentials.AnyAsync(t => t.UserId == userId && t.ConfirmedAt != null, ct);
        var keys = await db.WebAuthnCredentials.AsNoTracking()
            .Where(c => c.UserId == userId && c.FlaggedAsPossibleCloneAt == null)
            .Select(c => new { c.IsDiscoverable, c.UserVerifiedAtRegistration })
            .ToListAsync(ct);
        var passkeys = keys.Count(k => k.IsDiscoverable && k.UserVerifiedAtRegistration);
        var set = await db.RecoveryCodeSets.AsNoTracking()
            .Where(s => s.UserId == userId && s.InvalidatedAt == null)
            .OrderByDescending(s => s.Id)
            .Select(s => new { s.ConfirmedAt, Remaining = s.Codes.Count(c => c.BurnedAt == null) })
            .FirstOrDefaultAsync(ct);
        return new TwoFactorStatus(hasTotp, keys.Count - passkeys, passkeys, set?.Remaining ?? 0, set?.ConfirmedAt is not null);
    }
}
