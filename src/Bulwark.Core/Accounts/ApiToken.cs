namespace Bulwark.Core.Accounts;

/// <summary>
/// An API token. The public <see cref="Id"/> is embedded in the token for lookup; only a SHA-256 of the
/// 256-bit random secret is stored.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public required string Name { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Normalized project names this token is limited to; empty means user-wide.</summary>
    public List<string> ProjectScopes { get; set; } = [];

    public bool IsUserWide => ProjectScopes.Count == 0;

    /// <summary>
    /// Minted where a phishing site could not have relayed the authentication: in a session signed in with a
    /// security key or passkey, or by an operator on the server (<c>token create</c>). Projects that accept only
    /// phishing-resistant authentication take uploads only from such tokens.
    /// </summary>
    public bool IssuedPhishingResistant { get; set; }
}
