using System.Security.Cryptography;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Gives an account a finished two-factor set-up in the live server's database (a confirmed TOTP credential or
/// a security key, plus confirmed recovery codes), the rows the enrolment pages leave behind. The mandates read
/// exactly these rows; the enrolment ceremonies themselves are tested with the second-factor core.
/// </summary>
public static class SecondFactors
{
    public static async Task EnrolAsync(LiveServer server, string username, bool securityKey)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        var user = await scope.ServiceProvider.GetRequiredService<UserService>().FindByUsernameAsync(username)
            ?? throw new InvalidOperationException($"no user {username}");
        var now = DateTimeOffset.UtcNow;
        if (securityKey)
        {
            db.WebAuthnCredentials.Add(new WebAuthnCredential
            {
                UserId = user.Id,
                CredentialId = RandomNumberGenerator.GetBytes(32),
                PublicKey = RandomNumberGenerator.GetBytes(77),
                AttestationFormat = "none",
                Name = "e2e key",
                CreatedAt = now,
            });
        }
        else
        {
            db.TotpCredentials.Add(new TotpCredential { UserId = user.Id, EncryptedSecret = RandomNumberGenerator.GetBytes(48), CreatedAt = now, ConfirmedAt = now });
        }
        db.RecoveryCodeSets.Add(new RecoveryCodeSet
        {
            UserId = user.Id,
            CreatedAt = now,
            ConfirmedAt = now,
            Codes = [new RecoveryCode { Salt = RandomNumberGenerator.GetBytes(16), Hash = RandomNumberGenerator.GetBytes(32) }],
        });
        await db.SaveChangesAsync();
    }
}
