using System.Text.Json;
using Fido2NetLib;

namespace Bulwark.Core.Accounts.WebAuthn;

/// <summary>Reads the JSON a browser posts back (the PublicKeyCredential, with base64url binary fields).</summary>
internal static class WebAuthnResponses
{
    public static AuthenticatorAttestationRawResponse? ParseAttestation(string? json) => Parse<AuthenticatorAttestationRawResponse>(json, r => r.Response is not null && r.RawId is not null);

    public static AuthenticatorAssertionRawResponse? ParseAssertion(string? json) => Parse<AuthenticatorAssertionRawResponse>(json, r => r.Response is not null && r.RawId is not null);

    private static T? Parse<T>(string? json, Func<T, bool> complete) where T : class
    {
        // A posted credential is a few kilobytes at most; anything larger is not one.
        if (string.IsNullOrEmpty(json) || json.Length > 64 * 1024) return null;
        try
        {
            var value = JsonSerializer.Deserialize<T>(json);
            return value is not null && complete(value) ? value : null;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
