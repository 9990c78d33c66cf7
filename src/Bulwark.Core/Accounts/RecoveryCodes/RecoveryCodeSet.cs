namespace Bulwark.Core.Accounts.RecoveryCodes;

/// <summary>
/// One generation of recovery codes. Generating a new set invalidates every earlier one, so at most one set
/// per user has <see cref="InvalidatedAt"/> unset.
/// </summary>
public sealed class RecoveryCodeSet
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Set when the user typed one of the codes back after they were shown: proof the codes were saved
    /// somewhere. Until then the account's second-factor setup is not complete (see <see cref="TwoFactor.TwoFactorStatus"/>).
    /// </summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? InvalidatedAt { get; set; }

    public List<RecoveryCode> Codes { get; set; } = [];
}

/// <summary>One single-use recovery code, stored only as a salted hash.</summary>
public sealed class RecoveryCode
{
    public long Id { get; set; }
    public long SetId { get; set; }
    public RecoveryCodeSet Set { get; set; } = null!;

    public required byte[] Salt { get; set; }
    public required byte[] Hash { get; set; }

    public DateTimeOffset? BurnedAt { get; set; }
}
