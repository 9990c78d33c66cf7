using System.Globalization;
using System.Text.Json;
using Bulwark.Core.Text;
using Bulwark.Core.Outcomes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// Checks an identity token from CI, in this order: it is a compact JWS; its issuer is one the operator allows
/// (before anything is fetched); it is signed with RS256 or ES256 by a key the issuer publishes; it is within its
/// lifetime (<c>exp</c>, <c>nbf</c>, <c>iat</c>, with 30 seconds of leeway for clock skew); it was made for this
/// index (one audience, ours); it carries a <c>jti</c> (or it could not be kept single-use). Claims are trusted
/// only after all of that.
/// </summary>
public sealed class OidcTokenValidator(OidcIssuers issuers, OidcKeySource keys, TimeProvider time)
{
    /// <summary>PyPI's leeway for clock differences between the issuer and the index.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(30);

    /// <summary>CI tokens are 1–2 KB; this bounds parsing work on hostile input.</summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <summary>
    /// Only asymmetric signatures: with <c>none</c> anyone could write a token, and with HMAC the "key" would be a
    /// secret shared with the issuer that Bulwark does not have (a confused validator would use the public key as
    /// the HMAC secret, which everybody has).
    /// </summary>
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    /// <param name="audiences">
    /// The audiences accepted for an issuer: the index's own, and for generic issuers those their publishers name.
    /// </param>
    public async Task<Outcome<VerifiedToken>> ValidateAsync(
        string raw, Func<OidcIssuer, CancellationToken, Task<IReadOnlyCollection<string>>> audiences, CancellationToken ct)
    {
        if (raw.Length > MaxTokenLength) return MintFailure.Payload($"malformed JWT: the token is longer than {MaxTokenLength} characters");
        JsonWebToken jwt;
        JsonElement payload;
        try
        {
            jwt = new JsonWebToken(raw);
            if (jwt.IsEncrypted) return MintFailure.Payload("malformed JWT: encrypted tokens (JWE) are not accepted; send the signed identity token");
            using var doc = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return MintFailure.Payload("malformed JWT: the payload is not a JSON object");
            payload = doc.RootElement.Clone();
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            // The library also refuses registered claims of the wrong type (an object for iss, an exp beyond any date).
            return MintFailure.Payload("malformed JWT: the token cannot be read as a JSON Web Token (three base64url parts, header and payload JSON objects, registered claims of their registered types)");
        }

        var iss = String(payload, "iss");
        var issuer = issuers.Find(iss);
        if (issuer is null)
        {
            return MintFailure.Payload(iss is null
                ? "malformed JWT: the token has no iss (issuer) claim"
                : $"unknown trusted publishing issuer: this index does not accept tokens from '{iss}' (operators allow issuers with Bulwark:TrustedPublishing:Issuers)");
        }
        if (!Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return MintFailure.Token($"the token is signed with algorithm '{jwt.Alg}'; only RS256 and ES256 are accepted");
        }
        if (string.IsNullOrEmpty(jwt.Kid)) return MintFailure.Token("the token's header names no signing key (kid)");

        var (key, problem) = await keys.FindAsync(issuer, jwt.Kid, ct);
        if (key is null) return MintFailure.Token($"the token's signing key '{jwt.Kid}' is unknown: {problem}");
        if ((jwt.Alg == SecurityAlgorithms.RsaSha256) != (key.Kty == JsonWebAlgorithmsKeyTypes.RSA))
        {
            return MintFailure.Token($"the token says {jwt.Alg} but the issuer's key '{jwt.Kid}' is a {key.Kty} key");
        }
        var checkedSignature = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = [jwt.Alg],
            RequireSignedTokens = true,
            ValidIssuer = issuer.Url,
            ValidateIssuer = true,
            // Audience and lifetime are checked below, against this server's clock (TimeProvider) and with messages
            // that say what was expected.
            ValidateAudience = false,
            ValidateLifetime = false,
            ValidateIssuerSigningKey = false,
        });
        if (!checkedSignature.IsValid)
        {
            return MintFailure.Token($"the token's signature does not verify with the issuer's key '{jwt.Kid}'");
        }

        var now = time.GetUtcNow();
        var exp = Time(payload, "exp");
        var iat = Time(payload, "iat");
        if (exp is null) return MintFailure.Token("the token has no exp (expiry) claim");
        if (iat is null) return MintFailure.Token("the token has no iat (issued-at) claim");
        if (exp.Value + Leeway <= now) return MintFailure.Token($"the token expired at {Utc(exp.Value)} (index time {Utc(now)}); request a fresh one");
        if (Time(payload, "nbf") is { } nbf && nbf - Leeway > now) return MintFailure.Token($"the token is not valid before {Utc(nbf)} (index time {Utc(now)})");
        if (iat.Value - Leeway > now) return MintFailure.Token($"the token was issued in the future ({Utc(iat.Value)}, index time {Utc(now)}); check the clocks");

        var accepted = await audiences(issuer, ct);
        var aud = Audiences(payload);
        // One audience and it is ours: a token addressed to several services could be replayed by any of them here.
        if (aud.Count != 1 || !accepted.Contains(aud[0]))
        {
            var expected = string.Join("' or '", accepted);
            return MintFailure.Token(aud.Count == 0
                ? $"the token has no aud (audience) claim; request it with audience '{expected}' (GET /_/oidc/audience)"
                : $"the token's audience is '{string.Join("', '", aud)}', but this index accepts only '{expected}' (GET /_/oidc/audience)");
        }
        var jti = String(payload, "jti");
        if (string.IsNullOrEmpty(jti) || jti.Length > 255)
        {
            return MintFailure.Token("the token has no usable jti (token id) claim, so it could not be kept to a single use");
        }
        return new VerifiedToken(issuer, aud[0], jti, exp.Value, payload);
    }

    // A claim that is not Unicode text (an unpaired surrogate escape) or holds NUL counts as absent: it could
    // never name an issuer or a publisher, and NUL could not be stored as a spent jti.
    private static string? String(JsonElement payload, string name) => JsonText.StringOrNull(payload, name);

    private static DateTimeOffset? Time(JsonElement payload, string name)
    {
        if (!payload.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var seconds)) return null;
        // Outside this range the value is nonsense; treating it as absent gives the "has no ..." refusal.
        if (double.IsNaN(seconds) || seconds < 0 || seconds > 253402300799) return null;
        return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
    }

    private static List<string> Audiences(JsonElement payload)
    {
        if (!payload.TryGetProperty("aud", out var aud)) return [];
        if (aud.ValueKind == JsonValueKind.String) return [JsonText.TryGet(aud, out var one) == JsonTextProblem.None ? one! : aud.GetRawText()];
        if (aud.ValueKind != JsonValueKind.Array) return [];
        return aud.EnumerateArray().Select(a => JsonText.TryGet(a, out var text) == JsonTextProblem.None ? text! : a.GetRawText()).ToList();
    }

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
