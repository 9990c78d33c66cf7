namespace Bulwark.Core.TrustedPublishing;

/// <summary>One <c>Bulwark:TrustedPublishing:Issuers:N</c> entry.</summary>
public sealed class IssuerOptions
{
    /// <summary>The issuer exactly as its tokens carry it in <c>iss</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// Which claims its tokens carry: <c>Oidc</c> (the default; publishers name the claims they require),
    /// <c>GitLab</c> for a self-managed GitLab, <c>GitHub</c> for GitHub Enterprise Server.
    /// </summary>
    public PublisherKind Provider { get; set; } = PublisherKind.Oidc;

    /// <summary>Where its JSON Web Key Set is read. Null: from <c>jwks_uri</c> in <c>{Url}/.well-known/openid-configuration</c>.</summary>
    public string? JwksUrl { get; set; }
}
