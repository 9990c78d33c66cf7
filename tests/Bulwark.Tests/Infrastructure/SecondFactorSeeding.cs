using System.Security.Cryptography;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// Gives an account a second factor directly in the database, as the enrolment pages would leave it: a
/// confirmed TOTP credential or a WebAuthn credential, plus a confirmed recovery-code set (two-factor set-up
/// is complete only then). The mandates read exactly these rows through <c>TwoFactorStatusQuery</c>; the
/// ceremonies that create them are tested with the second-factor core.
/// </summary>
public static class SecondFactorSeeding
{
    public enum Factor { Totp, SecurityKey, Passkey }

    public static async Task EnrolAsync(BulwarkDbContext db, long userId, Factor factor, bool confirmRecoveryCodes = true)
    {
        var now = DateTimeOffset.UtcNow;
        if (factor == Factor.Totp)
        {
            db.TotpCredentials.Add(new TotpCredential { UserId = userId, EncryptedSecret = RandomNumberGenerator.GetBytes(48), CreatedAt = now, ConfirmedAt = now });
        }
        else
        {
            db.WebAuthnCredentials.Add(new WebAuthnCredential
            {
                UserId = userId,
                CredentialId = RandomNumberGenerator.GetBytes(32),
                PublicKey = RandomNumberGenerator.GetBytes(77),
                AttestationFormat = "none",
                Name = factor == Factor.Passkey ? "test passkey" : "test key",
                IsDiscoverable = factor == Factor.Passkey,
                UserVerifiedAtRegistration = factor == Factor.Passkey,
                CreatedAt = now,
            });
        }
        if (!await db.RecoveryCodeSets.AnyAsync(s => s.UserId == userId && s.InvalidatedAt == null))
        {
            db.RecoveryCodeSets.Add(new RecoveryCodeSet
            {
                UserId = userId,
                CreatedAt = now,
                ConfirmedAt = confirmRecoveryCodes ? now : null,
                Codes = [new RecoveryCode { Salt = RandomNumberGenerator.GetBytes(16), Hash = RandomNumberGenerator.GetBytes(32) }],
            });
        }
        await db.SaveChangesAsync();
    }

    /// <summary>Marks the user's live sessions as signed in with <paramref name="method"/> (as the second step would).</summary>
    public static Task<int> SetSessionMethodAsync(BulwarkDbContext db, long userId, AuthMethod method) =>
        db.UserSessions.Where(s => s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.AuthMethod, method));
}
