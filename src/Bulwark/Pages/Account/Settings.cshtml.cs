using Bulwark.Auth;
using Bulwark.Core.Accounts.Flows;
using Microsoft.AspNetCore.Mvc;

using Bulwark.Core.Outcomes;

namespace Bulwark.Pages.Account;

/// <summary>Change e-mail address (needs a recent sign-in) and password (needs the current password).</summary>
public sealed class SettingsModel(EmailChange emailChange, PasswordChange passwordChange) : BulwarkPageModel
{
    [BindProperty]
    public string NewEmail { get; set; } = "";

    [BindProperty]
    public string CurrentPassword { get; set; } = "";

    [BindProperty]
    public string NewPassword { get; set; } = "";

    /// <summary>Which form the errors on the page belong to.</summary>
    public string? FailedForm { get; private set; }

    public string Email => CurrentUser.Email;

    public void OnGet()
    {
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostEmailAsync(CancellationToken ct)
    {
        var result = await emailChange.RequestAsync(CurrentUser, NewEmail, RequestActor, ct);
        if (result.TryGetValue(out var done, out var refusal))
        {
            Flash(done);
            return RedirectToPage();
        }
        FailedForm = "email";
        ShowRefusal(refusal);
        return Page();
    }

    /// <summary>Also behind the step-up filter: it is what refuses a session from an unconfirmed browser (one
    /// that signed in with a relayable code) the chance to lock the owner out with a new password.</summary>
    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        var result = await passwordChange.ChangeAsync(HttpContext.CurrentSession()!, CurrentPassword, NewPassword, RequestActor, ct);
        CurrentPassword = NewPassword = "";
        if (result.TryGetValue(out var done, out var refusal))
        {
            Flash(done);
            return RedirectToPage();
        }
        FailedForm = "password";
        ShowRefusal(refusal);
        return Page();
    }
}
