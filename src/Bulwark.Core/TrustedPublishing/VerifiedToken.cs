using System.Text.Json;
using Bulwark.Core.Text;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// An identity token whose signature, issuer, audience and lifetime have been checked. Claim values are read from
/// the signed payload: strings as they are, numbers and booleans as their JSON text, anything else as absent.
/// </summary>
public sealed class VerifiedToken
{
    private readonly Dictionary<string, string> _claims;

    public VerifiedToken(OidcIssuer issuer, string audience, string jti, DateTimeOffset expiresAt, JsonElement payload)
    {
        Issuer = issuer;
        Audience = audience;
        Jti = jti;
        ExpiresAt = expiresAt;
        _claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in payload.EnumerateObject())
        {
            var text = p.Value.ValueKind switch
            {
                JsonValueKind.String => JsonText.TryGet(p.Value, out var s) == JsonTextProblem.None ? s : null,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => null,
            };
            if (text is not null) _claims[p.Name] = text;
        }
    }

    public OidcIssuer Issuer { get; }
    public string Audience { get; }
    public string Jti { get; }
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The claim's value; null when absent, empty, or not a scalar.</summary>
    public string? this[string name] => _claims.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public string Subject => this["sub"] ?? "";
}
