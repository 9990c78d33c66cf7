namespace Bulwark.Core.Accounts.Throttling;

/// <summary>The action an attempt counts against; each has its own limits.</summary>
public enum AuthAttemptKind
{
    /// <summary>A failed password sign-in.</summary>
    LoginFailure = 1,
    /// <summary>A password-reset request (counted whether or not the account exists).</summary>
    PasswordResetRequest = 2,
    /// <summary>A failed second factor: TOTP, recovery code, security key or passkey (sign-in or step-up).</summary>
    SecondFactorFailure = 3,
    /// <summary>
    /// A failed password sign-in from a browser known to the account (its device cookie). Counted on top of the
    /// <see cref="LoginFailure"/> row, under a key naming the account and the browser, for that browser's own budget.
    /// </summary>
    KnownDeviceFailure = 4,
    /// <summary>A wrong password inside a signed-in session (step-up, password change), counted for that session's own budget.</summary>
    SessionPasswordFailure = 5,
    /// <summary>A sign-up that reached the password hashing (counted per network).</summary>
    Registration = 6,
}

/// <summary>
/// One counted attempt. Kept in the database so every server instance sees the same counts; rows older
/// than the longest window are pruned.
/// </summary>
public sealed class AuthAttempt
{
    public long Id { get; set; }
    public AuthAttemptKind Kind { get; set; }
    /// <summary>The account key as typed (normalized), whether or not such an account exists.</summary>
    public required string AccountKey { get; set; }
    /// <summary>The client network: the address for IPv4, the /64 prefix for IPv6.</summary>
    public required string Network { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
}
