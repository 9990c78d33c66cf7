using Bulwark.Core.Accounts.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Bulwark.Auth;

/// <summary>
/// Marks a page handler (or a whole page model) as sensitive: it runs only if the session authenticated
/// within the re-authentication window ("sudo", 10 minutes by default). Otherwise the user is sent to
/// the re-authentication page and comes back to the page afterwards. Second factors and WebAuthn
/// step-up will plug into that page; the handlers marked here need not change.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, Inherited = true)]
public sealed class RequireRecentAuthenticationAttribute : Attribute
{
}

/// <summary>Enforces <see cref="RequireRecentAuthenticationAttribute"/> for every Razor Page.</summary>
public sealed class RecentAuthenticationFilter : IAsyncPageFilter
{
    public const string ReauthenticatePath = "/account/reauthenticate";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var marked = context.HandlerMethod?.MethodInfo.IsDefined(typeof(RequireRecentAuthenticationAttribute), true) == true
            || context.HandlerInstance.GetType().IsDefined(typeof(RequireRecentAuthenticationAttribute), true);
        if (marked)
        {
            var http = context.HttpContext;
            var session = http.CurrentSession();
            var sessions = http.RequestServices.GetRequiredService<SessionService>();
            if (session is null || !sessions.IsFresh(session))
            {
                // Back to the page itself (by GET): a form posted with a stale session is shown again, not replayed.
                var returnUrl = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
                context.Result = new RedirectResult(ReauthenticatePath + "?returnUrl=" + Uri.EscapeDataString(returnUrl));
                return;
            }
        }
        await next();
    }
}
