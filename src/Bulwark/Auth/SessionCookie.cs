namespace Bulwark.Auth;

/// <summary>
/// The browser session cookie. It carries only the random session id; everything else stays on the
/// server. Over https it is <c>__Host-bulwark-session</c>: the prefix makes browsers refuse it unless it is
/// Secure, host-only and path "/", so a sibling subdomain cannot plant or overwrite it. Browsers reject
/// <c>__Host-</c> cookies without Secure, so over plain http (local use) the name has no prefix.
/// </summary>
public static class SessionCookie
{
    public const string SecureName = "__Host-bulwark-session";
    public const string PlainName = "bulwark-session";

    public static string NameFor(HttpRequest request) => request.IsHttps ? SecureName : PlainName;

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(NameFor(request), out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static void Write(HttpContext context, string sessionId) =>
        context.Response.Cookies.Append(NameFor(context.Request), sessionId, Options(context.Request));

    public static void Delete(HttpContext context) =>
        context.Response.Cookies.Delete(NameFor(context.Request), Options(context.Request));

    /// <summary>
    /// No Expires or Max-Age: the server enforces the idle and absolute limits, and the cookie ends with
    /// the browser. SameSite=Lax keeps cross-site form posts from carrying it.
    /// </summary>
    private static CookieOptions Options(HttpRequest request) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        IsEssential = true,
    };
}
