using Microsoft.Extensions.Options;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>An issuer Bulwark accepts tokens from.</summary>
/// <param name="Url">The exact <c>iss</c> value.</param>
/// <param name="Kind">Which claims its tokens carry.</param>
/// <param name="JwksUrl">Where its keys are read; null means through its discovery document.</param>
public sealed record OidcIssuer(string Url, PublisherKind Kind, Uri? JwksUrl)
{
    /// <summary>Host (and port, if any) as GitLab writes it at the start of <c>ci_config_ref_uri</c>.</summary>
    public string Authority => new Uri(Url).Authority;

    public Uri DiscoveryUrl => new(Url + "/.well-known/openid-configuration");
}

/// <summary>
/// The issuers the operator allows: github.com's and gitlab.com's always, plus <c>Bulwark:TrustedPublishing:Issuers</c>.
/// Any other <c>iss</c> is refused before a single key is fetched, so a token cannot make Bulwark fetch from a
/// URL of its choosing.
/// </summary>
public sealed class OidcIssuers
{
    public const string GitHubUrl = "https://token.actions.githubusercontent.com";
    public const string GitLabUrl = "https://gitlab.com";

    private readonly Dictionary<string, OidcIssuer> _byUrl = new(StringComparer.Ordinal);

    public OidcIssuers(IOptions<TrustedPublishingOptions> options)
    {
        _byUrl[GitHubUrl] = new OidcIssuer(GitHubUrl, PublisherKind.GitHub, null);
        _byUrl[GitLabUrl] = new OidcIssuer(GitLabUrl, PublisherKind.GitLab, null);
        foreach (var entry in options.Value.Issuers)
        {
            var url = Normalize(entry.Url) ?? throw new InvalidOperationException(
                $"Bulwark:TrustedPublishing:Issuers: '{entry.Url}' is not an https URL (http is accepted only on loopback addresses).");
            Uri? jwks = null;
            if (!string.IsNullOrWhiteSpace(entry.JwksUrl))
            {
                jwks = IsAcceptableUrl(entry.JwksUrl.Trim(), out var parsed) ? parsed : throw new InvalidOperationException(
                    $"Bulwark:TrustedPublishing:Issuers: JwksUrl '{entry.JwksUrl}' of '{url}' is not an https URL (http is accepted only on loopback addresses).");
            }
            // An entry for github.com's or gitlab.com's issuer only moves where their keys are read: their tokens
            // keep being read as GitHub's and GitLab's whatever Provider says.
            _byUrl[url] = url is GitHubUrl or GitLabUrl
                ? _byUrl[url] with { JwksUrl = jwks }
                : new OidcIssuer(url, entry.Provider, jwks);
        }
    }

    public IReadOnlyCollection<OidcIssuer> All => _byUrl.Values;

    /// <summary>What is wrong with the configured issuers, for the start-up check; null when nothing is.</summary>
    public static string? ConfigurationProblem(TrustedPublishingOptions options)
    {
        try
        {
            _ = new OidcIssuers(Options.Create(options));
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    public OidcIssuer? Find(string? iss) => iss is not null && _byUrl.TryGetValue(iss, out var issuer) ? issuer : null;

    /// <summary>The issuer a new publisher names: the given URL, or the provider's public one when none is given.</summary>
    public OidcIssuer? ForPublisher(PublisherKind kind, string? url)
    {
        var normalized = string.IsNullOrWhiteSpace(url)
            ? kind switch { PublisherKind.GitHub => GitHubUrl, PublisherKind.GitLab => GitLabUrl, _ => null }
            : Normalize(url);
        return normalized is not null && _byUrl.TryGetValue(normalized, out var issuer) && issuer.Kind == kind ? issuer : null;
    }

    /// <summary>Trailing slash removed; null when not https (or http on loopback, for tests and single-machine set-ups).</summary>
    public static string? Normalize(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        var trimmed = url.Trim().TrimEnd('/');
        return IsAcceptableUrl(trimmed, out var parsed) && parsed.Query.Length == 0 && parsed.Fragment.Length == 0 ? trimmed : null;
    }

    /// <summary>
    /// Keys must come over TLS: whoever can change them in transit can mint tokens for every project. Plain http is
    /// allowed to loopback only, where nothing sits in between.
    /// </summary>
    public static bool IsAcceptableUrl(string url, out Uri parsed)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out parsed!) || parsed.UserInfo.Length > 0) return false;
        return parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback);
    }
}
