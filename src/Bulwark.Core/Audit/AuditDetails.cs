using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.Core.Audit;

/// <summary>
/// The typed details of an audit event. Each kind of event has a small <c>sealed record</c> implementing this
/// marker (for example the filename and version of an upload); the audit log serialises it once, in one
/// canonical form (<see cref="AuditDetailsJson"/>), so that no call site builds JSON by hand and the stored
/// text is a stable input for the audit log's hash chain.
/// </summary>
public interface IAuditDetails;

/// <summary>The one serialisation of <see cref="IAuditDetails"/> into the stored <c>details</c> column.</summary>
/// <remarks>
/// Canonical by construction: snake_case names in declaration order (records keep it), no indentation, nulls
/// left out, and the relaxed encoder off so that the same value always gives the same bytes on every runtime.
/// </remarks>
public static class AuditDetailsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        Encoder = JavaScriptEncoder.Default,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize(IAuditDetails details) => JsonSerializer.Serialize(details, details.GetType(), Options);
}
