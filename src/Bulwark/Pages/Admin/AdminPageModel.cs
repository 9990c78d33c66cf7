using Bulwark.Auth;
using Bulwark.Core.Policies;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Bulwark.Pages.Admin;

/// <summary>
/// Every admin page derives from this. The folder's authorization policy already admits only
/// administrators; this adds the mandate that the session was signed in with a security key or passkey,
/// because the admin area can freeze accounts and take projects down, and a password or TOTP code can be
/// relayed by a phishing proxy while a WebAuthn assertion is bound to this site's origin.
/// </summary>
public abstract class AdminPageModel : BulwarkPageModel
{
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var mandates = HttpContext.RequestServices.GetRequiredService<MandateEnforcement>();
        var session = HttpContext.CurrentSession();
        var decision = mandates.CheckAdmin(CurrentUser, session?.IsPhishingResistant == true);
        if (!decision.Allowed)
        {
            await mandates.RecordRefusalAsync(decision, MandateAction.Admin, CurrentUser, RequestActor, null, HttpContext.RequestAborted);
            context.Result = MandateRefusal.Result(decision, mandates.SecurityPage);
            return;
        }
        await base.OnPageHandlerExecutionAsync(context, next);
    }
}
