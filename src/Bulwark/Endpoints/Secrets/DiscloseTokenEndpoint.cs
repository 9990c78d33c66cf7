using System.Text.Json;
using Bulwark.Core.TokenLeaks;
using Microsoft.Extensions.Options;

namespace Bulwark.Endpoints.Secrets;

/// <summary>
/// <c>POST /_/secrets/disclose-token</c>: where secret scanners (GitHub's, in its format) report strings that look
/// like Bulwark tokens found in public code. The signature is checked on the raw body before it is parsed; a bad
/// signature or body is 400 and changes nothing; otherwise every live token named is revoked before the answer,
/// which is 204 whatever was found (the reporter learns nothing about which tokens exist).
/// </summary>
public static class DiscloseTokenEndpoint
{
    public const string KeyIdHeader = "GITHUB-PUBLIC-KEY-IDENTIFIER";
    public const string SignatureHeader = "GITHUB-PUBLIC-KEY-SIGNATURE";
    private const int MaxBodyBytes = 1024 * 1024;

    public static void MapTokenDisclosure(this IEndpointRouteBuilder app)
    {
        app.MapPost("/_/secrets/disclose-token", HandleAsync).DisableAntiforgery();
        // Warehouse's older path for the same report.
        app.MapPost("/_/github/disclose-token", HandleAsync).DisableAntiforgery();
    }

    private static async Task<IResult> HandleAsync(HttpContext http, LeakReportSignature signatures, LeakedTokens leaks, IOptions<LeakReportOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await BoundedBody.ReadAsync(http, MaxBodyBytes, ct);
        if (body is null) return Results.BadRequest(new { message = $"The report is larger than {MaxBodyBytes} bytes." });
        var keyId = http.Request.Headers[KeyIdHeader].ToString();
        if (!await signatures.VerifyAsync(body, keyId, http.Request.Headers[SignatureHeader].ToString(), ct))
        {
            return Results.BadRequest(new { message = $"The report's signature ({SignatureHeader}, key {KeyIdHeader}) does not verify with a known reporter key." });
        }
        var records = Parse(body, options.Value.MaxRecords);
        if (records is null)
        {
            return Results.BadRequest(new { message = $"The report must be a JSON array of at most {options.Value.MaxRecords} objects {{\"token\", \"type\", \"url\"}}." });
        }
        await leaks.HandleReportAsync(records, $"secret scanner (key {keyId})", RequestActor.From(http), ct);
        return Results.NoContent();
    }

    /// <summary>The records; null when the body is not an array. Records without the three strings are skipped, as Warehouse skips them.</summary>
    private static List<LeakRecord>? Parse(byte[] body, int maxRecords)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.GetArrayLength() > maxRecords) return null;
            var records = new List<LeakRecord>();
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) continue;
                var (token, type, url) = (Text(item, "token"), Text(item, "type"), Text(item, "url"));
                if (token is null || type is null || url is null) continue;
                records.Add(new LeakRecord(token, type, url, Text(item, "source")));
            }
            return records;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A value that is not Unicode text or holds NUL makes the record incomplete (skipped), never a server error.
    private static string? Text(JsonElement item, string name) => Bulwark.Core.Text.JsonText.StringOrNull(item, name);
}
