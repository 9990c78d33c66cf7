using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;

namespace Bulwark.Auth;

/// <summary>Puts a new session id into the browser, and takes it out again at sign-out.</summary>
public sealed class WebSignIn(SessionService sessions)
{
    /// <summary>
    /// Sets the cookie to a session id that was just issued. Whatever session the browser held before is
    /// ended, so an id planted before sign-in (session fixation) or left from another account is worthless.
    /// </summary>
    public async Task SignInAsync(HttpContext context, string newSessionId, long newSessionDbId, Actor actor)
    {
        var previous = context.CurrentSession() ?? context.PendingSecondFactorSession();
        if (previous is not null && previous.Id != newSessionDbId)
        {
            await sessions.RevokeAsync(previous, SessionEndReason.Superseded, actor, context.RequestAborted);
        }
        SessionCookie.Write(context, newSessionId);
    }

    /// <summary>Replaces the cookie after the session's id changed (re-authentication, second factor).</summary>
    public static void Renew(HttpContext context, string newSessionId) => SessionCookie.Write(context, newSessionId);

    public async Task SignOutAsync(HttpContext context, Actor actor)
    {
        var session = context.CurrentSession() ?? context.PendingSecondFactorSession();
        if (session is not null)
        {
            await sessions.RevokeAsync(session, SessionEndReason.SignedOut, actor, context.RequestAborted);
        }
        SessionCookie.Delete(context);
    }
}
