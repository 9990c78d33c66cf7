using Bulwark.Core.Audit;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Endpoints;

internal static class RequestActor
{
    /// <summary>The client address (after trusted-proxy processing) and user agent, for audit events.</summary>
    public static Actor From(HttpContext http) =>
        new(http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers[HeaderNames.UserAgent].ToString() is { Length: > 0 } ua ? ua : null);
}
