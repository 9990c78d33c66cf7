using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Bulwark.Web;

/// <summary>
/// Reads the form of every page request that has one, before antiforgery and model binding see it, and refuses a
/// form that cannot be read with a 400 (413 when too large) that says why.
/// </summary>
/// <remarks>
/// Why: ASP.NET Core's form reader throws for a NUL character, more than 1024 fields, an overlong name or value, or
/// a broken multipart body. Met by the antiforgery check, that became a bare 400 whose error page said nothing
/// useful; met by model binding on a GET that carries a form content type (no antiforgery check there), the page's
/// route values arrived null and the page answered 500. Reading the form once here turns each of these into one
/// answer naming the problem, and the form read here is the one the page then binds (it is cached on the request).
/// Page forms are small (the largest is a 2,000-character report), so a body over <see cref="MaxFormBytes"/> is
/// refused before it is read: it could only be an attempt to make the server buffer it.
/// </remarks>
public sealed class FormReadGuard(RequestDelegate next)
{
    /// <summary>The largest form a page accepts.</summary>
    public const int MaxFormBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        // The error page re-executed for a refused form must not read it again.
        if (!context.Request.HasFormContentType || context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
        {
            await next(context);
            return;
        }
        var refusal = await ReadAsync(context);
        if (refusal is null)
        {
            await next(context);
            return;
        }
        var (status, reason, message) = refusal.Value;
        RequestProblem.Set(context, message);
        context.Response.StatusCode = status;
        if (context.Features.Get<IHttpResponseFeature>() is { } response) response.ReasonPhrase = reason;
    }

    private static async Task<(int Status, string Reason, string Message)?> ReadAsync(HttpContext context)
    {
        const string TooLarge = "Form too large";
        var tooLarge = (StatusCodes.Status413PayloadTooLarge, TooLarge, $"The form is larger than {MaxFormBytes} bytes; no page takes a form that large.");
        if (context.Request.ContentLength > MaxFormBytes) return tooLarge;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxFormBytes;
        try
        {
            await context.Request.ReadFormAsync(context.RequestAborted);
            return null;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (StatusCodes.Status400BadRequest, "Malformed form", "The form could not be read: " + Describe(e));
        }
    }

    /// <summary>The form reader's own messages name the limit; a NUL is reported only as "invalid characters".</summary>
    private static string Describe(Exception e)
    {
        if (e.InnerException is InvalidOperationException inner && inner.Message.Contains("null characters", StringComparison.OrdinalIgnoreCase))
        {
            return "a field contains a NUL character, which no field accepts.";
        }
        return e.Message.StartsWith("Form value count limit", StringComparison.Ordinal)
            ? $"it has more than {new FormOptions().ValueCountLimit} fields ({e.Message})"
            : e.Message;
    }
}
