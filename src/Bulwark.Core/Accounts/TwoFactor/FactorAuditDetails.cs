using System.Buffers.Text;
using Bulwark.Core.Audit;

namespace Bulwark.Core.Accounts.TwoFactor;

/// <summary>The details of factor events (added, removed, failed, replayed...): the method and, when known, the credential.</summary>
internal sealed record FactorAuditDetails(string Method, string? Credential = null, string? Name = null, string? Reason = null, int? Remaining = null)
    : IAuditDetails
{
    public static string MethodName(SecondFactorMethod method) => method switch
    {
        SecondFactorMethod.Totp => "totp",
        SecondFactorMethod.SecurityKey => "security-key",
        SecondFactorMethod.Passkey => "passkey",
        _ => method.ToString(),
    };

    public static FactorAuditDetails Of(SecondFactorMethod method, string? credential = null, string? name = null, string? reason = null) =>
        new(MethodName(method), credential, name, reason);

    public static FactorAuditDetails Of(string method, string? credential = null, string? name = null, string? reason = null, int? remaining = null) =>
        new(method, credential, name, reason, remaining);

    /// <summary>WebAuthn credential ids appear base64url-encoded, as browsers show them.</summary>
    public static string CredentialId(byte[] id) => Base64Url.EncodeToString(id);
}
