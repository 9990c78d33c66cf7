using System.Text.Encodings.Web;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Bulwark.Auth;

/// <summary>
/// Authenticates browser requests from the session cookie against the server-side session store. The
/// machine APIs never use it: uploads authenticate with API tokens, and their 401/403 answers are never
/// turned into sign-in redirects.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IServiceProvider services)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SignInPath = "/account/login";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var id = SessionCookie.Read(Request);
        if (id is null) return AuthenticateResult.NoResult();
        // Resolved only when there is a cookie: the session store brings a DbContext, and creating one for
        // every cookie-less request (pip, file downloads) cost more than serving the cached page itself.
        var sessions = services.GetRequiredService<SessionService>();
        var validation = await sessions.ValidateAsync(id, Context.RequestAborted);
        BulwarkClaims.SetSession(Context, validation);
        if (validation.IsSignedIn)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(BulwarkClaims.Principal(validation.Session!), Scheme.Name));
        }
        if (validation.Result is not SessionCheck.SecondFactorPending && !Response.HasStarted)
        {
            // The session is over (expired, idle, revoked, unknown): drop the stale cookie.
            SessionCookie.Delete(Context);
        }
        return AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The admin area answers 403 to everyone who is not an administrator, signed in or not.
        if (WebUi.IsApiPath(Request.Path) || Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase))
        {
            Response.StatusCode = WebUi.IsApiPath(Request.Path) ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        var returnUrl = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect(SignInPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
