namespace Bulwark.Web;

/// <summary>
/// Response headers from the security baseline, on every response. They are harmless on the JSON and
/// file APIs (a CSP only matters to a browser rendering HTML), so there is no per-path exception to get wrong.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    /// <summary>
    /// No inline script or style anywhere (all JS and CSS are files under wwwroot); README images may come
    /// from any https host, as on PyPI; forms post only to this origin; no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            // A page may ask for less (no-referrer on pages whose URL holds a one-time link).
            if (!headers.ContainsKey("Referrer-Policy")) headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            if (http.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
