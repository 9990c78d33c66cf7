using Bulwark.Auth;
using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.TwoFactor;
using Microsoft.AspNetCore.Mvc;

using Bulwark.Core.Outcomes;

namespace Bulwark.Pages.Account;

/// <summary>
/// Explains why a session from an unrecognised browser cannot do sensitive actions yet, and confirms it:
/// with a security key or passkey (a WebAuthn step-up), or with the e-mailed link opened in this browser.
/// </summary>
public sealed class ConfirmDeviceModel(DeviceConfirmation confirmation, Reauthentication reauthentication, TwoFactorStatusQuery status) : WebAuthnPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    /// <summary>Set when the browser arrives straight from a new-device sign-in.</summary>
    [BindProperty(SupportsGet = true, Name = "new")]
    public bool JustSignedIn { get; set; }

    public TwoFactorStatus Factors { get; private set; } = TwoFactorStatus.None;
    public bool Confirmed { get; private set; }
    public string Email => CurrentUser.Email;

    /// <summary>
    /// Opening the link confirms at once. It is a GET that changes state on purpose: the link is single-use and
    /// works only with this session's cookie, so a mail scanner that fetches it (no cookie) cannot use it up.
    /// </summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var session = HttpContext.CurrentSession()!;
        if (!string.IsNullOrEmpty(Token))
        {
            NoReferrer();
            var result = await confirmation.ConfirmWithLinkAsync(Token, session, DeviceCookie.Ensure(HttpContext), RequestActor, ct);
            Token = null;
            if (result.TryGetValue(out var confirmed, out var refused))
            {
                Flash(confirmed);
                return LocalRedirect(SafeReturnUrl(ReturnUrl, "/account/"));
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            ShowRefusal(refused);
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSendAsync(CancellationToken ct)
    {
        var result = await confirmation.SendLinkAsync(HttpContext.CurrentSession()!, RequestActor, ct);
        Flash(result);
        return RedirectToPage(new { returnUrl = ReturnUrl });
    }

    public async Task<IActionResult> OnPostWebAuthnOptionsAsync(CancellationToken ct)
    {
        var start = await reauthentication.BeginWebAuthnAsync(HttpContext.CurrentSession()!, ct);
        if (start is null) return new JsonResult(new { error = "Your account has no usable security key or passkey. Use the e-mailed link instead." }) { StatusCode = StatusCodes.Status409Conflict };
        return new JsonResult(new { challengeId = start.ChallengeId, options = start.OptionsJson });
    }

    public async Task<IActionResult> OnPostWebAuthnAsync(CancellationToken ct)
    {
        var result = await reauthentication.WithWebAuthnAsync(HttpContext.CurrentSession()!, ChallengeId, Credential, DeviceCookie.Ensure(HttpContext), RequestActor, ct);
        Credential = "";
        if (result.TryGetValue(out var done, out var refusal))
        {
            WebSignIn.Renew(HttpContext, done.NewSessionId);
            Flash("This browser is confirmed.");
            return LocalRedirect(SafeReturnUrl(ReturnUrl, "/account/"));
        }
        ModelState.Clear();
        ShowRefusal(refusal);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var session = HttpContext.CurrentSession()!;
        Confirmed = !session.AwaitsDeviceConfirmation;
        Factors = await status.GetAsync(session.UserId, ct);
    }
}
