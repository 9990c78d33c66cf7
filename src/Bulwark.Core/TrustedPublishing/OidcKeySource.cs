using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// Each allowed issuer's signing keys, read from the <c>jwks_uri</c> of its discovery document (or from the
/// configured <c>JwksUrl</c>) and cached per issuer (<see cref="CachedKeySet{TKey}"/>). Only keys that can sign
/// RS256 or ES256 are kept: RSA of at least 2048 bits, EC on P-256.
/// </summary>
public sealed class OidcKeySource(HttpClient http, TimeProvider time, IOptions<TrustedPublishingOptions> options, ILogger<OidcKeySource> log)
{
    private readonly ConcurrentDictionary<string, CachedKeySet<JsonWebKey>> _issuers = new(StringComparer.Ordinal);

    /// <summary>The key <paramref name="keyId"/> of <paramref name="issuer"/>; null with a reason when there is none.</summary>
    public async Task<(JsonWebKey? Key, string? Problem)> FindAsync(OidcIssuer issuer, string keyId, CancellationToken ct)
    {
        var set = _issuers.GetOrAdd(issuer.Url, _ => new CachedKeySet<JsonWebKey>(
            c => FetchAsync(issuer, c), time, options.Value.KeyCacheLifetime, options.Value.KeyRefreshCooldown, log, $"the signing keys of {issuer.Url}"));
        var key = await set.FindAsync(keyId, ct);
        return key is not null ? (key, null) : (null, set.LastError ?? $"the issuer {issuer.Url} has no signing key with id '{keyId}'");
    }

    private async Task<IReadOnlyDictionary<string, JsonWebKey>> FetchAsync(OidcIssuer issuer, CancellationToken ct)
    {
        var jwksUrl = issuer.JwksUrl ?? await DiscoverAsync(issuer, ct);
        var json = await http.GetStringAsync(jwksUrl, ct);
        var set = new JsonWebKeySet(json);
        var keys = new Dictionary<string, JsonWebKey>(StringComparer.Ordinal);
        foreach (var key in set.Keys)
        {
            if (string.IsNullOrEmpty(key.Kid) || !IsUsableSigningKey(key)) continue;
            keys.TryAdd(key.Kid, key);
        }
        return keys;
    }

    /// <summary>
    /// OpenID Connect Discovery: the document must name the same issuer it was fetched for, or a document served
    /// from one issuer's host could hand out keys for another.
    /// </summary>
    private async Task<Uri> DiscoverAsync(OidcIssuer issuer, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(issuer.DiscoveryUrl, ct));
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the discovery document is not a JSON object");
        var named = root.TryGetProperty("issuer", out var iss) && iss.ValueKind == JsonValueKind.String ? iss.GetString()!.TrimEnd('/') : null;
        if (named != issuer.Url) throw new InvalidDataException($"the discovery document names the issuer '{named}', not '{issuer.Url}'");
        var jwks = root.TryGetProperty("jwks_uri", out var uri) && uri.ValueKind == JsonValueKind.String ? uri.GetString() : null;
        if (jwks is null || !OidcIssuers.IsAcceptableUrl(jwks, out var parsed))
        {
            throw new InvalidDataException($"the discovery document's jwks_uri '{jwks}' is not an https URL");
        }
        return parsed;
    }

    /// <summary>RS256 needs RSA of 2048 bits or more; ES256 needs the P-256 curve. Encryption keys are not signing keys.</summary>
    internal static bool IsUsableSigningKey(JsonWebKey key)
    {
        if (key.Use is { Length: > 0 } use && use != "sig") return false;
        return key.Kty switch
        {
            JsonWebAlgorithmsKeyTypes.RSA => key.N is { Length: > 0 } n && Base64UrlEncoder.DecodeBytes(n).SkipWhile(b => b == 0).Count() >= 256 && !string.IsNullOrEmpty(key.E),
            JsonWebAlgorithmsKeyTypes.EllipticCurve => key.Crv == JsonWebKeyECTypes.P256 && !string.IsNullOrEmpty(key.X) && !string.IsNullOrEmpty(key.Y),
            _ => false,
        };
    }
}
