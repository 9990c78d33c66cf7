using Bulwark.Core.Accounts;

namespace Bulwark.Auth;

/// <summary>
/// The long-lived device cookie that lets Bulwark recognise a browser that signed in before (see
/// <see cref="Bulwark.Core.Accounts.Devices.KnownDevices"/> for why a cookie). It holds a random 256-bit value
/// and nothing else; the server stores only its hash, per account, after a confirmed sign-in.
/// Over https the name carries <c>__Host-</c>, so a sibling subdomain cannot plant one.
/// </summary>
public static class DeviceCookie
{
    public const string SecureName = "__Host-bulwark-device";
    public const string PlainName = "bulwark-device";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(400);

    private static readonly object ItemKey = new();

    public static string NameFor(HttpRequest request) => request.IsHttps ? SecureName : PlainName;

    /// <summary>The device value the browser sent, or null when it sent none (or a malformed one).</summary>
    public static string? Presented(HttpContext context) =>
        context.Request.Cookies.TryGetValue(NameFor(context.Request), out var value) && OpaqueSecret.Hash(value) is not null ? value : null;

    /// <summary>The browser's device value, creating (and setting) one when it has none or a malformed one.</summary>
    public static string Ensure(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is string set) return set;
        if (context.Request.Cookies.TryGetValue(NameFor(context.Request), out var value) && OpaqueSecret.Hash(value) is not null)
        {
            return value!;
        }
        var (secret, _) = OpaqueSecret.Create();
        context.Response.Cookies.Append(NameFor(context.Request), secret, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            IsEssential = true,
            MaxAge = Lifetime,
        });
        context.Items[ItemKey] = secret;
        return secret;
    }
}
