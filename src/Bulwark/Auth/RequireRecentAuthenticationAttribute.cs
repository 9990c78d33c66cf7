using Bulwark.Core.Accounts.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Bulwark.Auth;

/// <summary>
/// Marks a page handler (or a whole page model) as sensitive: it runs only if the session authenticated
/// within the re-authentication window ("sudo", 10 minutes by default). Otherwise the user is sent to
/// the re-authentication page and comes back to the page afterwards (WebAuthn when the user has a security
/// key or passkey, otherwise the password and a TOTP code when enrolled). A session whose device is not
/// confirmed (a TOTP or recovery-code sign-in from an unknown browser) is refused every marked handler and
/// sent to the device-confirmation page instead: this is what keeps a relayed phishing session from creating
/// tokens, changing factors or the e-mail address.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, Inherited = true)]
public sealed class RequireRecentAuthenticationAttribute : Attribute
{
}

/// <summary>Enforces <see cref="RequireRecentAuthenticationAttribute"/> for every Razor Page.</summary>
public sealed class RecentAuthenticationFilter : IAsyncPageFilter
{
    public const string ReauthenticatePath = "/account/reauthenticate";
    public const string ConfirmDevicePath = "/account/confirm-device";

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
            var returnTo = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
            if (session is { AwaitsDeviceConfirmation: true })
            {
                // Checked before freshness: a fresh password+TOTP step-up would not help, only a WebAuthn
                // step-up or the e-mailed link confirms the device. A refused POST is audited.
                if (!HttpMethods.IsGet(http.Request.Method))
                {
                    var audit = http.RequestServices.GetRequiredService<Bulwark.Core.Audit.AuditLog>();
                    audit.Record(Bulwark.Core.Audit.AuditEventType.UnconfirmedDeviceRefused,
                        Endpoints.RequestActor.From(http) with { UserId = session.UserId }, session.UserId,
                        details: new UnconfirmedDeviceDetails(session.Id, http.Request.Path.Value));
                    await http.RequestServices.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>().SaveChangesAsync(http.RequestAborted);
                }
                context.Result = new RedirectResult(ConfirmDevicePath + "?returnUrl=" + Uri.EscapeDataString(returnTo));
                return;
            }
            if (session is null || !sessions.IsFresh(session))
            {
                // Back to the page itself (by GET): a form posted with a stale session is shown again, not replayed.
                context.Result = new RedirectResult(ReauthenticatePath + "?returnUrl=" + Uri.EscapeDataString(returnTo));
                return;
            }
        }
        await next();
    }
}

/// <summary>A sensitive request refused because the session's device is not confirmed: the session and the path.</summary>
public sealed record UnconfirmedDeviceDetails(long Session, string? Path) : Bulwark.Core.Audit.IAuditDetails;
