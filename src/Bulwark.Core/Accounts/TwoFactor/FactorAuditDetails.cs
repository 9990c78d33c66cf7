using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.Core.Accounts.TwoFactor;

/// <summary>The JSON written into <see cref="Audit.AuditEvent.Details"/> for factor events.</summary>
internal static class FactorAuditDetails
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string MethodName(SecondFactorMethod method) => method switch
    {
        SecondFactorMethod.Totp => "totp",
        SecondFactorMethod.SecurityKey => "security-key",
        SecondFactorMethod.Passkey => "passkey",
        _ => method.ToString(),
    };

    public static string Of(SecondFactorMethod method, string? credential = null, string? name = null, string? reason = null) =>
        Of(MethodName(method), credential, name, reason);

    public static string Of(string method, string? credential = null, string? name = null, string? reason = null, int? remaining = null) =>
        JsonSerializer.Serialize(new { method, credential, name, reason, remaining }, Options);

    /// <summary>WebAuthn credential ids appear base64url-encoded, as browsers show them.</summary>
    public static string CredentialId(byte[] id) => Base64Url.EncodeToString(id);
}
