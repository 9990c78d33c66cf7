namespace Bulwark.Core.Accounts.Totp;

/// <summary>
/// A user's TOTP authenticator (at most one per user). It counts as a second factor only once
/// <see cref="ConfirmedAt"/> is set, i.e. after the user proved the app produces valid codes.
/// </summary>
public sealed class TotpCredential
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;

    /// <summary>
    /// The 160-bit shared secret, encrypted with <see cref="TwoFactor.FactorSecretProtector"/>. It cannot be
    /// hashed like a password: the server has to compute the same codes as the app, so it needs the secret itself.
    /// </summary>
    public required byte[] EncryptedSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }

    /// <summary>
    /// The highest 30-second time step whose code was accepted. A code for this step or an earlier one is
    /// refused as a replay, so a code relayed by a phishing proxy cannot be used a second time.
    /// </summary>
    public long? LastAcceptedStep { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsConfirmed => ConfirmedAt is not null;
}
