namespace Bulwark.Core.Accounts.Sessions;

/// <summary>How a session was (last) authenticated. Stored as a number; values never change meaning.</summary>
public enum AuthMethod
{
    Password = 1,
    PasswordAndTotp = 2,
    PasswordAndRecoveryCode = 3,
    PasswordAndWebAuthn = 4,
    /// <summary>A discoverable credential with user verification: no password involved.</summary>
    Passkey = 5,
}

public enum SessionEndReason
{
    SignedOut = 1,
    RevokedByUser = 2,
    PasswordChanged = 3,
    PasswordReset = 4,
    AccountFrozen = 5,
    RevokedByAdmin = 6,
    /// <summary>Replaced by a new session at the second sign-in step (the id changes at every authentication).</summary>
    Superseded = 7,
    /// <summary>A second factor was added or removed in another session of the account.</summary>
    FactorChanged = 8,
}

/// <summary>
/// A server-side browser session. The cookie carries a random 256-bit id; only its SHA-256 is stored,
/// so reading the table does not let anyone take over a session.
/// </summary>
public sealed class UserSession
{
    public long Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    /// <summary>When the user last proved who they are in this session (sign-in or re-authentication).</summary>
    public DateTimeOffset AuthenticatedAt { get; set; }
    public AuthMethod AuthMethod { get; set; }
    /// <summary>Password verified, second factor not yet: the session grants nothing but the second step.</summary>
    public bool SecondFactorPending { get; set; }
    /// <summary>
    /// False only for a session whose sign-in used a relayable second factor (TOTP, recovery code) from a
    /// browser not seen before, until the device is confirmed by a WebAuthn step-up or by the e-mailed link
    /// opened in this browser. Such a session can browse but do nothing sensitive.
    /// </summary>
    public bool DeviceConfirmed { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public SessionEndReason? EndReason { get; set; }

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>Signed in, but held back from sensitive actions until the device is confirmed.</summary>
    public bool AwaitsDeviceConfirmation => !SecondFactorPending && !DeviceConfirmed;

    /// <summary>
    /// Whether the latest authentication of this session used a factor bound to the origin (a WebAuthn
    /// assertion). A password, a TOTP code or a recovery code can be relayed by a fake site; an assertion
    /// signed for another origin cannot be used here, so only these sessions satisfy phishing-resistant rules.
    /// </summary>
    public bool IsPhishingResistant => AuthMethod is AuthMethod.PasswordAndWebAuthn or AuthMethod.Passkey;
}
