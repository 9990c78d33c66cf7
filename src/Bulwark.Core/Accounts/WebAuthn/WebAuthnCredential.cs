namespace Bulwark.Core.Accounts.WebAuthn;

/// <summary>Transports an authenticator said it can be reached over; a hint for the browser, stored as bits.</summary>
[Flags]
public enum WebAuthnTransports
{
    None = 0,
    Usb = 1,
    Nfc = 2,
    Ble = 4,
    SmartCard = 8,
    Hybrid = 16,
    Internal = 32,
}

/// <summary>A registered security key or passkey.</summary>
public sealed class WebAuthnCredential
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;

    /// <summary>The authenticator's credential id; unique across all users (a database unique index).</summary>
    public required byte[] CredentialId { get; set; }

    /// <summary>The credential public key as a COSE_Key.</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>The last signature counter seen (an unsigned 32-bit value).</summary>
    public long SignCount { get; set; }

    public Guid Aaguid { get; set; }
    public WebAuthnTransports Transports { get; set; }

    /// <summary>A discoverable credential (passkey): it can sign in without a username.</summary>
    public bool IsDiscoverable { get; set; }

    public bool UserVerifiedAtRegistration { get; set; }
    public bool BackupEligible { get; set; }
    public bool BackedUp { get; set; }

    /// <summary>The attestation statement format the authenticator used at registration ("none" by default).</summary>
    public required string AttestationFormat { get; set; }

    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>
    /// Set when an assertion carried a signature counter that did not go up: the private key may exist in
    /// two places. A flagged credential is refused and does not count as a factor until the owner removes it.
    /// </summary>
    public DateTimeOffset? FlaggedAsPossibleCloneAt { get; set; }

    public bool IsUsable => FlaggedAsPossibleCloneAt is null;
}
