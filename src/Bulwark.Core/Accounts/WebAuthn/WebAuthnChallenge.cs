namespace Bulwark.Core.Accounts.WebAuthn;

/// <summary>Which WebAuthn ceremony a challenge was issued for; a challenge only completes its own kind.</summary>
public enum WebAuthnCeremony
{
    Registration = 1,
    /// <summary>An assertion from a known user's registered key, after the password.</summary>
    SecondFactor = 2,
    /// <summary>A username-less sign-in with a discoverable credential and user verification.</summary>
    Passkey = 3,
    /// <summary>Fresh authentication in an existing session before a sensitive action.</summary>
    StepUp = 4,
}

/// <summary>Whether an authenticator must verify the user (PIN, biometric) and not only their presence.</summary>
public enum UserVerificationPolicy
{
    Discouraged = 1,
    Preferred = 2,
    Required = 3,
}

/// <summary>
/// A challenge handed to the browser, kept server-side until the answer comes back. Rows are deleted when
/// used (successfully or not) and expire after at most five minutes, so a challenge can be answered once.
/// </summary>
public sealed class WebAuthnChallenge
{
    /// <summary>Opaque handle the web layer keeps in the session; not the challenge itself.</summary>
    public Guid Id { get; set; }

    public WebAuthnCeremony Ceremony { get; set; }

    /// <summary>The user the ceremony is for; null for a username-less passkey sign-in.</summary>
    public long? UserId { get; set; }

    public required byte[] Challenge { get; set; }

    /// <summary>What the ceremony asked of the authenticator about user verification (PIN or biometric).</summary>
    public UserVerificationPolicy UserVerification { get; set; }

    /// <summary>Registration only: a discoverable credential (passkey) was requested.</summary>
    public bool Discoverable { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
