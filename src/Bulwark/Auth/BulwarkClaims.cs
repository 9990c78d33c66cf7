using System.Security.Claims;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Sessions;

namespace Bulwark.Auth;

/// <summary>Claims of a signed-in browser session, and access to the session behind them.</summary>
public static class BulwarkClaims
{
    public const string Scheme = "BulwarkSession";
    public const string AdminRole = "admin";
    public const string AdminPolicy = "Admin";
    public const string SessionId = "bulwark:session";
    public const string AuthenticatedAt = "bulwark:authenticated-at";
    public const string AuthMethod = "bulwark:auth-method";

    private static readonly object SessionKey = new();

    public static ClaimsPrincipal Principal(UserSession session)
    {
        var user = session.User;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Username),
            new(SessionId, session.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(AuthenticatedAt, session.AuthenticatedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(AuthMethod, session.AuthMethod.ToString()),
        };
        if (user.IsAdmin) claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Remembers the validated session for the rest of the request (same DbContext, so it stays tracked).</summary>
    internal static void SetSession(HttpContext context, SessionValidation validation) => context.Items[SessionKey] = validation;

    /// <summary>The signed-in session of this request, or null.</summary>
    public static UserSession? CurrentSession(this HttpContext context) =>
        context.Items.TryGetValue(SessionKey, out var v) && v is SessionValidation { IsSignedIn: true } s ? s.Session : null;

    /// <summary>A session that passed the password step and waits for the second factor, or null.</summary>
    public static UserSession? PendingSecondFactorSession(this HttpContext context) =>
        context.Items.TryGetValue(SessionKey, out var v) && v is SessionValidation { Result: SessionCheck.SecondFactorPending } s ? s.Session : null;

    /// <summary>The signed-in user; pages behind the authorization conventions always have one.</summary>
    public static User CurrentUser(this HttpContext context) =>
        context.CurrentSession()?.User ?? throw new InvalidOperationException("No signed-in user on this request.");
}
