using System.Text;
using Bulwark.Core.Observability;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Uploads;
using Microsoft.AspNetCore.Http.Features;

namespace Bulwark.Endpoints.Upload;

/// <summary>
/// The upload API's edge: a Core <see cref="Refusal"/> becomes the status and reason phrase that twine,
/// poetry and flit show. The statuses are Warehouse's: 400 for anything wrong with the upload, 403 for
/// credentials and permissions, 409 for a race lost to a concurrent upload, 410 for retired actions.
/// </summary>
internal static class UploadRefusalResponse
{
    public static int StatusOf(RefusalKind kind) => kind switch
    {
        RefusalKind.Invalid or RefusalKind.LinkRejected => StatusCodes.Status400BadRequest,
        // Warehouse answers missing or bad credentials with 403, not 401: twine then prints the message
        // instead of asking for a password it would not accept anyway.
        RefusalKind.Unauthenticated or RefusalKind.WrongCredentials or RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.Gone => StatusCodes.Status410Gone,
        RefusalKind.Throttled => StatusCodes.Status429TooManyRequests,
        RefusalKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Every refusal kind needs an upload status."),
    };

    public static Task WriteAsync(HttpContext http, Refusal refusal) => WriteAsync(http, refusal, StatusOf(refusal.Kind));

    /// <summary>
    /// The message goes into the status line as well as the body: twine prints the reason phrase, and
    /// <c>--skip-existing</c> looks for "File already exists" there. A reason phrase must be one line of
    /// printable ASCII, so anything else is replaced.
    /// </summary>
    /// <param name="status">A status the refusal's kind does not give, for faults of the HTTP request itself (413).</param>
    public static async Task WriteAsync(HttpContext http, Refusal refusal, int status)
    {
        BulwarkMetrics.UploadRefused(UploadRefusalReason.Of(refusal), status);
        http.Response.StatusCode = status;
        if (http.Features.Get<IHttpResponseFeature>() is { } response)
        {
            response.ReasonPhrase = ReasonPhrase(refusal.Message);
        }
        if (refusal.RetryAfter is not null) http.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync($"{status} {refusal.Message}\n", CancellationToken.None);
    }

    internal static string ReasonPhrase(string message)
    {
        var sb = new StringBuilder(Math.Min(message.Length, 1024));
        foreach (var c in message)
        {
            if (sb.Length >= 1024) break;
            sb.Append(c is >= ' ' and <= '~' ? c : c is '\n' or '\r' or '\t' ? ' ' : '?');
        }
        return sb.ToString();
    }
}
