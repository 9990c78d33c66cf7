using System.Text;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Uploads;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Endpoints.Upload;

/// <summary>Reads the upload API's credentials: <c>__token__</c> Basic auth, or <c>token</c>/<c>bearer</c>.</summary>
internal static class UploadAuthentication
{
    public static async Task<Outcome<UploadIdentity>> AuthenticateAsync(HttpContext http, ApiTokenService tokens, AuditLog audit, CancellationToken ct)
    {
        var actor = RequestActor.From(http);
        var header = http.Request.Headers[HeaderNames.Authorization].ToString();
        string? presented = null;
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            }
            catch (FormatException)
            {
                return Refusal.Unauthenticated("Invalid or non-existent authentication information.");
            }
            var colon = decoded.IndexOf(':');
            var username = colon < 0 ? decoded : decoded[..colon];
            if (username != "__token__")
            {
                // Passwords are never accepted for uploads: a phished password alone must not be able to publish.
                return Refusal.Unauthenticated(
                    "Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead.");
            }
            presented = colon < 0 ? "" : decoded[(colon + 1)..];
        }
        else if (header.StartsWith("token ", StringComparison.OrdinalIgnoreCase) || header.StartsWith("bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = header[(header.IndexOf(' ') + 1)..].Trim();
        }
        if (string.IsNullOrEmpty(presented))
        {
            return Refusal.Unauthenticated("Invalid or non-existent authentication information.");
        }

        var result = await tokens.AuthenticateAsync(presented, ct);
        if (result.Result != TokenCheck.Valid)
        {
            if (result.Token is { } known)
            {
                audit.Record(AuditEventType.TokenRejected, actor with { TokenId = known.Id }, known.UserId, details: new TokenRejectedDetails(result.Result.ToString()));
                await tokens.SaveAsync(ct);
            }
            return Refusal.Unauthenticated(result.Message);
        }
        return new UploadIdentity(result.User!, result.Token!, actor);
    }
}

/// <summary>A known token was refused at upload (<see cref="AuditEventType.TokenRejected"/>): why (expired, revoked...).</summary>
public sealed record TokenRejectedDetails(string Reason) : IAuditDetails;
