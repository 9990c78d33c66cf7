using Bulwark.Core.Accounts.TwoFactor;

namespace Bulwark.Core.Accounts.Totp;

/// <summary>Reads and writes TOTP seeds through the protector, bound to the owning user.</summary>
public sealed class TotpSecrets(FactorSecretProtector protector)
{
    private const string Purpose = "bulwark/totp-secret/v1";

    public byte[] Protect(byte[] secret, long userId) => protector.Protect(secret, Purpose, userId);

    public byte[] Unprotect(TotpCredential credential) => protector.Unprotect(credential.EncryptedSecret, Purpose, credential.UserId);
}
