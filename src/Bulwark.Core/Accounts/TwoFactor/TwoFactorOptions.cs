namespace Bulwark.Core.Accounts.TwoFactor;

/// <summary>The <c>Bulwark:TwoFactor</c> configuration section.</summary>
public sealed class TwoFactorOptions
{
    public const string Section = "Bulwark:TwoFactor";

    /// <summary>The name authenticator apps show next to the account. Default: the public URL's host.</summary>
    public string? TotpIssuer { get; set; }

    /// <summary>
    /// Base64 of a 32-byte key that encrypts TOTP secrets. When empty, the key is read from (or created in)
    /// <c>keys/factor-secrets.key</c> in the data directory. Servers sharing a database must share the key.
    /// </summary>
    public string? SecretKey { get; set; }
}
