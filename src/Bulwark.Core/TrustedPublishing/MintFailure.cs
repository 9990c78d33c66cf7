namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// Why a token exchange was refused: Warehouse's error code (which CI tooling prints) and a description that says
/// what was wrong and, where it helps, what the index expected.
/// </summary>
public sealed record MintFailure(string Code, string Description)
{
    /// <summary>The request body is not <c>{"token": "..."}</c>, the JWT cannot be read, or its issuer is not allowed.</summary>
    public const string InvalidPayload = "invalid-payload";
    /// <summary>Signature, algorithm, audience or lifetime of the token is wrong.</summary>
    public const string InvalidToken = "invalid-token";
    /// <summary>The token is valid but no publisher on this index matches its claims.</summary>
    public const string InvalidPublisher = "invalid-publisher";
    /// <summary>A pending publisher matched but its project cannot be created.</summary>
    public const string InvalidPendingPublisher = "invalid-pending-publisher";
    /// <summary>The token was exchanged before.</summary>
    public const string InvalidReuseToken = "invalid-reuse-token";
    /// <summary>Trusted Publishing is switched off on this index.</summary>
    public const string NotEnabled = "not-enabled";

    public static MintFailure Payload(string description) => new(InvalidPayload, description);
    public static MintFailure Token(string description) => new(InvalidToken, description);
}

/// <summary>A minted API token: the secret and its expiry (Unix seconds, as Warehouse answers).</summary>
public sealed record MintedTokenResult(string Token, long Expires, IReadOnlyList<string> Projects);
