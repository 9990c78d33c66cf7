using Bulwark.Auth;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.TwoFactor;
using Microsoft.AspNetCore.Mvc;

using Bulwark.Core.Outcomes;

namespace Bulwark.Pages.Account;

/// <summary>
/// Fresh authentication before a sensitive action (<see cref="RequireRecentAuthenticationAttribute"/>). With a
/// security key or passkey on the account only WebAuthn is offered (and accepted by the flow): a password
/// and a TOTP code can be relayed by a fake site, a WebAuthn assertion cannot. Without one: the password,
/// plus a TOTP code when an authenticator app is enrolled.
/// </summary>
public sealed class ReauthenticateModel(Reauthentication reauthentication) : WebAuthnPageModel
{
    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty]
    public string Code { get; set; } = "";

    public TwoFactorStatus Factors { get; private set; } = TwoFactorStatus.None;

    public async Task OnGetAsync(CancellationToken ct) => Factors = await reauthentication.StatusAsync(HttpContext.CurrentSession()!, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var session = HttpContext.CurrentSession()!;
        var result = await reauthentication.WithPasswordAsync(session, Password, RequestActor, ct, Code);
        Password = Code = "";
        return await AnswerAsync(result, ct);
    }

    /// <summary>Starts a WebAuthn step-up (called by webauthn.js).</summary>
    public async Task<IActionResult> OnPostWebAuthnOptionsAsync(CancellationToken ct)
    {
        var start = await reauthentication.BeginWebAuthnAsync(HttpContext.CurrentSession()!, ct);
        if (start is null) return new JsonResult(new { error = "Your account has no usable security key or passkey." }) { StatusCode = StatusCodes.Status409Conflict };
        return new JsonResult(new { challengeId = start.ChallengeId, options = start.OptionsJson });
    }

    public async Task<IActionResult> OnPostWebAuthnAsync(CancellationToken ct)
    {
        var result = await reauthentication.WithWebAuthnAsync(HttpContext.CurrentSession()!, ChallengeId, Credential, DeviceCookie.Ensure(HttpContext), RequestActor, ct);
        Credential = "";
        return await AnswerAsync(result, ct);
    }

    private async Task<IActionResult> AnswerAsync(Outcome<Reauthenticated> result, CancellationToken ct)
    {
        if (result.TryGetValue(out var done, out var refusal))
        {
            WebSignIn.Renew(HttpContext, done.NewSessionId);
            return LocalRedirect(SafeReturnUrl(ReturnUrl, "/account/"));
        }
        // The password form and the key form post different fields; show only the flow's answer.
        ModelState.Clear();
        ShowRefusal(refusal);
        Factors = await reauthentication.StatusAsync(HttpContext.CurrentSession()!, ct);
        return Page();
    }
}
