namespace Bulwark.Core.Accounts.Tokens;

/// <summary>What a one-time account link is for; a token is only ever accepted for its own purpose.</summary>
public enum AccountTokenPurpose
{
    VerifyEmail = 1,
    ResetPassword = 2,
    ChangeEmail = 3,
    ConfirmDevice = 4,
    /// <summary>"This was not me" in a new-device mail: freezes the account and ends every session.</summary>
    ReportSignIn = 5,
    /// <summary>
    /// Finishes a sign-in held back because the account's failure limit was reached. Bound to the browser that
    /// asked (see <see cref="AccountTokenService.IssueAsync"/>'s binding), so only that browser can use it.
    /// </summary>
    ContinueSignIn = 6,
}

/// <summary>
/// A one-time link sent by e-mail. Only the SHA-256 of its 256-bit secret is stored, so a database copy
/// cannot be turned into working links.
/// </summary>
public sealed class AccountToken
{
    public long Id { get; set; }
    public AccountTokenPurpose Purpose { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public required byte[] SecretHash { get; set; }
    /// <summary>For <see cref="AccountTokenPurpose.ChangeEmail"/> (the new address) and <see cref="AccountTokenPurpose.VerifyEmail"/> (the address the link was sent to).</summary>
    public string? Email { get; set; }
    /// <summary>
    /// For <see cref="AccountTokenPurpose.ConfirmDevice"/>: the session the link confirms. The link works only
    /// in the browser holding that session, so a link forwarded to (or intercepted by) someone else is useless,
    /// while a change of IP address does not matter.
    /// </summary>
    public long? SessionId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    /// <summary>Set when a later event (password change, newer link) makes this link worthless before it expires.</summary>
    public DateTimeOffset? InvalidatedAt { get; set; }
}
