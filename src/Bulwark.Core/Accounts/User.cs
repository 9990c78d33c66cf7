namespace Bulwark.Core.Accounts;

public sealed class User
{
    public long Id { get; set; }
    public required string Username { get; set; }
    /// <summary>Lower-cased username; unique, so "Alice" and "alice" cannot both exist.</summary>
    public required string NormalizedUsername { get; set; }
    public required string Email { get; set; }
    public bool EmailVerified { get; set; }

    /// <summary>
    /// Encoded Argon2id hash with its parameters, or null for an automation account that cannot sign in
    /// on the web and only holds operator-minted tokens.
    /// </summary>
    public string? PasswordHash { get; set; }
    public DateTimeOffset? PasswordChangedAt { get; set; }

    public bool IsAdmin { get; set; }
    public bool IsFrozen { get; set; }

    /// <summary>
    /// A trusted reporter: may file observations through <c>/danger-api/</c> with an API token, and its malware
    /// reports count towards automatic quarantine.
    /// </summary>
    public bool IsObserver { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Random 64-byte WebAuthn user handle; never derived from the username or e-mail.</summary>
    public byte[]? WebAuthnUserHandle { get; set; }

    public bool IsAutomation => PasswordHash is null;
}
