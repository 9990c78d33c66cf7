using System.Text.Json;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Text;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Endpoints.Observations;

/// <summary>
/// <c>POST /danger-api/projects/{name}/observations</c>: trusted reporters file observations, shaped like
/// Warehouse's: JSON <c>{"kind": "is_malware", "summary": "...", "inspector_url": "..."}</c> (malware needs the
/// URL; <c>version</c> names one release), authenticated with an API token (<c>Authorization: token ...</c> or
/// <c>Bearer</c>) of an account with the observer role. 202 once filed (automatic quarantine has been decided by
/// then); 400 naming the field; 404 unknown project or release; 401 without a token; 403 with an invalid token or
/// without the role.
/// </summary>
public static class ObservationEndpoint
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>Warehouse's observation kinds, and the report kind each files.</summary>
    private static readonly Dictionary<string, ReportKind> Kinds = new(StringComparer.Ordinal)
    {
        ["is_malware"] = ReportKind.Malware,
        ["is_typosquat"] = ReportKind.Typosquat,
        ["is_spam"] = ReportKind.Spam,
        ["is_dependency_confusion"] = ReportKind.DependencyConfusion,
        ["something_else"] = ReportKind.Other,
    };

    public static void MapObservations(this IEndpointRouteBuilder app) =>
        app.MapPost("/danger-api/projects/{name}/observations", HandleAsync).DisableAntiforgery();

    private static async Task<IResult> HandleAsync(string name, HttpContext http, ApiTokenService tokens, ReportFiling reports)
    {
        var ct = http.RequestAborted;
        var header = http.Request.Headers[HeaderNames.Authorization].ToString();
        var space = header.IndexOf(' ');
        var scheme = space < 0 ? header : header[..space];
        if (space < 0 || !(scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase)))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Error(StatusCodes.Status401Unauthorized, "An API token of an observer account is required (Authorization: Bearer TOKEN).");
        }
        var check = await tokens.AuthenticateAsync(header[(space + 1)..].Trim(), ct);
        if (check.Result != TokenCheck.Valid || check.User is not { } user || check.Token is not { } token)
        {
            return Error(StatusCodes.Status403Forbidden, check.Message);
        }
        // The role, not the token's scope, makes a reporter trusted: observations are not uploads, and a token
        // scoped to the observer's own projects may still report any project.
        if (!user.IsObserver) return Error(StatusCodes.Status403Forbidden, $"The account '{user.Username}' does not have the observer role.");
        await tokens.MarkUsedAsync(token, ct);

        var body = await BoundedBody.ReadAsync(http, MaxBodyBytes, ct);
        if (body is null) return Error(StatusCodes.Status400BadRequest, $"The observation is larger than {MaxBodyBytes} bytes.");
        if (!TryParse(body, out var fields, out var problem)) return Error(StatusCodes.Status400BadRequest, problem.Message, problem.Field);
        if (fields.Kind is null || !Kinds.TryGetValue(fields.Kind, out var kind))
        {
            return Error(StatusCodes.Status400BadRequest, $"'kind' must be one of {string.Join(", ", Kinds.Keys)}.", "kind");
        }

        var actor = RequestActor.From(http) with { UserId = user.Id, TokenId = token.Id };
        var outcome = await reports.FileAsync(new ReportRequest(name, fields.Version, kind, fields.Summary, fields.InspectorUrl), user, asObserver: true, actor, ct);
        if (!outcome.TryGetValue(out var report, out var refusal))
        {
            if (refusal.Kind == RefusalKind.Throttled)
            {
                http.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Error(StatusCodes.Status429TooManyRequests, refusal.Message);
            }
            var status = refusal.Kind == RefusalKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
            return Error(status, refusal.Message, refusal.Field == "evidence_url" ? "inspector_url" : refusal.Field);
        }
        return Results.Json(new { id = report.Id, project = report.ProjectName, version = report.Version }, statusCode: StatusCodes.Status202Accepted);
    }

    private sealed record ObservationFields(string? Kind, string? Summary, string? InspectorUrl, string? Version);

    private static bool TryParse(byte[] body, out ObservationFields fields, out Refusal problem)
    {
        fields = new ObservationFields(null, null, null, null);
        problem = Refusal.Invalid("");
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = Refusal.Invalid("The body must be a JSON object {\"kind\", \"summary\", \"inspector_url\"}.");
                return false;
            }
            // Each field is a string, absent or null; a string that is not Unicode text or holds NUL is refused
            // here, naming the field, rather than failing at the database.
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var key in new[] { "kind", "summary", "inspector_url", "version" })
            {
                var read = JsonText.TryGetProperty(doc.RootElement, key, out var text);
                if (read is not (JsonTextProblem.None or JsonTextProblem.Absent))
                {
                    problem = Refusal.Invalid(JsonText.Describe(read, key), key);
                    return false;
                }
                values[key] = text;
            }
            fields = new ObservationFields(values["kind"], values["summary"], values["inspector_url"], values["version"]);
            return true;
        }
        catch (JsonException)
        {
            problem = Refusal.Invalid("The body is not valid JSON.");
            return false;
        }
    }

    private static IResult Error(int status, string message, string? field = null) =>
        Results.Json(field is null ? new { message } : (object)new { message, field }, statusCode: status);
}
