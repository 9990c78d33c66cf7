using Bulwark.Core.Outcomes;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// Why a token exchange was refused: a <see cref="Refusal"/> whose <see cref="Refusal.Code"/> is Warehouse's error
/// code (which CI tooling prints) and whose message says what was wrong and, where it helps, what the index expected.
/// </summary>
public static class MintFailure
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

    public static Refusal Payload(string description) => Of(InvalidPayload, description);
    public static Refusal Token(string description) => Of(InvalidToken, description);

    /// <summary>A refusal with one of the codes above; the kind follows the code, the edge answers with the code.</summary>
    public static Refusal Of(string code, string description) => new(KindOf(code), description, Code: code);

    private static RefusalKind KindOf(string code) => code switch
    {
        InvalidPayload => RefusalKind.Invalid,
        InvalidToken or InvalidReuseToken => RefusalKind.Unauthenticated,
        NotEnabled => RefusalKind.Unavailable,
        _ => RefusalKind.Forbidden,
    };
}

/// <summary>A minted API token: the secret and its expiry (Unix seconds, as Warehouse answers).</summary>
public sealed record MintedTokenResult(string Token, long Expires, IReadOnlyList<string> Projects);
