using Bulwark.Auth;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.TwoFactor;
using Microsoft.AspNetCore.Mvc;

using Bulwark.Core.Outcomes;

namespace Bulwark.Pages.Account;

/// <summary>
/// The second sign-in step: a security key or passkey, a code from the authenticator app, or a recovery code.
/// Only a session waiting for its second factor gets here; it grants nothing else (the authentication handler
/// does not sign it in), so every other page treats the browser as signed out.
/// </summary>
public sealed class TwoFactorModel(SecondFactorSignIn secondStep, TwoFactorStatusQuery status) : WebAuthnPageModel
{
    [BindProperty]
    public string Code { get; set; } = "";

    [BindProperty]
    public string RecoveryCode { get; set; } = "";

    public TwoFactorStatus Factors { get; private set; } = TwoFactorStatus.None;

    /// <summary>Which form the errors on the page belong to.</summary>
    public string? FailedForm { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (HttpContext.PendingSecondFactorSession() is not { } pending) return NotPending();
        Factors = await status.GetAsync(pending.UserId, ct);
        return Page();
    }

    /// <summary>Starts a WebAuthn assertion with the user's keys (called by webauthn.js).</summary>
    public async Task<IActionResult> OnPostWebAuthnOptionsAsync(CancellationToken ct)
    {
        if (HttpContext.PendingSecondFactorSession() is not { } pending)
        {
            return new JsonResult(new { error = SecondFactorSignIn.NotPendingMessage }) { StatusCode = StatusCodes.Status409Conflict };
        }
        var start = await secondStep.BeginWebAuthnAsync(pending, ct);
        if (start is null) return new JsonResult(new { error = "Your account has no security key or passkey. Use your authenticator app or a recovery code." }) { StatusCode = StatusCodes.Status409Conflict };
        return new JsonResult(new { challengeId = start.ChallengeId, options = start.OptionsJson });
    }

    public Task<IActionResult> OnPostWebAuthnAsync(CancellationToken ct) =>
        RunAsync("webauthn", pending => secondStep.WithWebAuthnAsync(pending, ChallengeId, Credential, DeviceCookie.Ensure(HttpContext), RequestActor, ct), ct);

    public Task<IActionResult> OnPostTotpAsync(CancellationToken ct) =>
        RunAsync("totp", pending => secondStep.WithTotpAsync(pending, Code, DeviceCookie.Ensure(HttpContext), RequestActor, ct), ct);

    public Task<IActionResult> OnPostRecoveryAsync(CancellationToken ct) =>
        RunAsync("recovery", pending => secondStep.WithRecoveryCodeAsync(pending, RecoveryCode, DeviceCookie.Ensure(HttpContext), RequestActor, ct), ct);

    private async Task<IActionResult> RunAsync(string form, Func<Core.Accounts.Sessions.UserSession, Task<Outcome<SecondStep>>> step, CancellationToken ct)
    {
        if (HttpContext.PendingSecondFactorSession() is not { } pending) return NotPending();
        var result = await step(pending);
        Core.Observability.BulwarkMetrics.SecondFactor(form == "recovery" ? "recovery_code" : form, MetricOutcome(result));
        Code = RecoveryCode = Credential = "";
        if (result.TryGetValue(out var done, out var refusal))
        {
            WebSignIn.Renew(HttpContext, done.NewSessionId);
            var target = SafeReturnUrl(ReturnUrl);
            if (done.RecoveryCodesRemaining is not null) Flash(done.Message);
            if (done.NewDevice)
            {
                // Explained once on arrival; the gate on sensitive actions explains it again where it bites.
                return LocalRedirect(RecentAuthenticationFilter.ConfirmDevicePath + "?returnUrl=" + Uri.EscapeDataString(target) + "&new=true");
            }
            return LocalRedirect(target);
        }
        if (refusal.Kind == RefusalKind.Forbidden) return NotPending();
        FailedForm = form;
        // Each form posts only its own field; the others' implicit "required" errors are not this answer's.
        ModelState.Clear();
        ShowRefusal(refusal);
        Factors = await status.GetAsync(pending.UserId, ct);
        return Page();
    }

    /// <summary>The metric's outcome label, as it was before refusals had kinds ("Refused" for a step that is not pending).</summary>
    private static string MetricOutcome(Outcome<SecondStep> result) => result.Refusal switch
    {
        null => "success",
        { Kind: RefusalKind.Forbidden } => "Refused",
        { } refusal => refusal.Kind.ToString(),
    };

    private IActionResult NotPending()
    {
        Flash(SecondFactorSignIn.NotPendingMessage, error: true);
        return LocalRedirect("/account/login" + (string.IsNullOrEmpty(ReturnUrl) ? "" : "?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(ReturnUrl))));
    }
}
