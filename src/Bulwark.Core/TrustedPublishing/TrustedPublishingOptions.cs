namespace Bulwark.Core.TrustedPublishing;

/// <summary>The <c>Bulwark:TrustedPublishing</c> configuration section.</summary>
public sealed class TrustedPublishingOptions
{
    public const string Section = "Bulwark:TrustedPublishing";

    /// <summary>Off: <c>/_/oidc/audience</c> answers 403 and <c>/_/oidc/mint-token</c> answers <c>not-enabled</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The <c>aud</c> identity tokens must carry. Null means the host name of <c>Bulwark:PublicUrl</c>. It must differ
    /// from every other index's (PyPI's is <c>pypi</c>): a token a CI job asked for one index must be useless at another.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>Lifetime of a minted API token; at most 15 minutes (PyPI's), at least one.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Issuers beyond github.com and gitlab.com, and overrides of those two: an entry whose <c>Url</c> is GitHub's or
    /// GitLab's issuer sets where their keys are read (<c>JwksUrl</c>) for sites that cannot reach them.
    /// </summary>
    public List<IssuerOptions> Issuers { get; set; } = [];

    /// <summary>How long fetched signing keys are used before they are fetched again.</summary>
    public TimeSpan KeyCacheLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The shortest time between two fetches of one issuer's keys, however many unknown key ids arrive.</summary>
    public TimeSpan KeyRefreshCooldown { get; set; } = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromMinutes(15);
}
