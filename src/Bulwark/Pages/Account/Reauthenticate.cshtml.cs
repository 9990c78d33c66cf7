using Bulwark.Auth;
using Bulwark.Core.Accounts.Flows;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account;

/// <summary>
/// Confirms the password before a sensitive action (<see cref="RequireRecentAuthenticationAttribute"/>).
/// When second factors exist, this is where a WebAuthn or TOTP step-up is offered instead.
/// </summary>
public sealed class ReauthenticateModel(Reauthentication reauthentication) : BulwarkPageModel
{
    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await reauthentication.WithPasswordAsync(HttpContext.CurrentSession()!, Password, RequestActor, ct);
        Password = "";
        if (result.NewSessionId is { } id)
        {
            WebSignIn.Renew(HttpContext, id);
            return LocalRedirect(SafeReturnUrl(ReturnUrl, "/account/"));
        }
        if (result.Result.Status == AccountStatus.Throttled) MarkThrottled(result.Result.RetryAfterSeconds);
        AddError(result.Result);
        return Page();
    }
}
