using Bulwark.Auth;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Throttling;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account;

public sealed class LoginModel(PasswordSignIn signIn, PasskeySignIn passkeys, WebSignIn web) : WebAuthnPageModel
{
    /// <summary>Where a session waiting for its second factor continues.</summary>
    public const string SecondFactorPath = "/account/two-factor";

    [BindProperty]
    public string Username { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    /// <summary>A solved proof-of-work challenge (filled by signin-proof.js), when the limits ask for one.</summary>
    [BindProperty]
    public string? ProofToken { get; set; }

    [BindProperty]
    public string? ProofNonce { get; set; }

    /// <summary>Which form the errors on the page belong to.</summary>
    public string? FailedForm { get; private set; }

    /// <summary>The challenge this page's script solves before the next submit, when the limits asked for one.</summary>
    public ProofChallenge? Proof { get; private set; }

    /// <summary>Set when the sign-in waits for the e-mailed link.</summary>
    public string? LinkSent { get; private set; }

    /// <summary>Also shown to a signed-in user, to switch accounts; signing in ends the current session.</summary>
    public void OnGet()
    {
        // The device cookie is set before any sign-in, so the browser is recognisable when it comes back.
        DeviceCookie.Ensure(HttpContext);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var actor = RequestActor;
        // Only a cookie the browser brought can be known to an account; one set now is for next time.
        var presented = DeviceCookie.Presented(HttpContext);
        DeviceCookie.Ensure(HttpContext);
        var evidence = new SignInEvidence(presented, ProofToken, ProofNonce);
        var result = await signIn.SignInAsync(Username, Password, actor, evidence, ct);
        Core.Observability.BulwarkMetrics.SignIn("password", result.Outcome.ToString());
        Password = "";
        ProofToken = ProofNonce = null;
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                await web.SignInAsync(HttpContext, result.SessionId!, result.Session!.Id, actor);
                return LocalRedirect(SafeReturnUrl(ReturnUrl));
            case SignInOutcome.SecondFactorRequired:
                await web.SignInAsync(HttpContext, result.SessionId!, result.Session!.Id, actor);
                return LocalRedirect(SecondFactorPath + "?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(ReturnUrl)));
            case SignInOutcome.Throttled:
                MarkThrottled(result.RetryAfterSeconds);
                break;
            case SignInOutcome.Busy:
                Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                Response.Headers.RetryAfter = result.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case SignInOutcome.ProofRequired:
                // Not a 429: nobody is refused, the browser is asked for more (see PasswordSignIn).
                Proof = result.Challenge;
                break;
            case SignInOutcome.LinkSent:
                // The same page whether or not the password was right, and nothing set in the browser either way.
                ModelState.Clear();
                LinkSent = result.Message;
                return Page();
        }
        FailedForm = "password";
        // The passkey form's fields are not posted here; only the sign-in's own answer is shown.
        ModelState.Clear();
        ModelState.AddModelError("", result.Message);
        return Page();
    }

    /// <summary>
    /// The challenge to solve before sending this username's password, if the limits want one now (called by
    /// signin-proof.js before it submits, so the password is typed once). Answers <c>{ "token": null }</c>
    /// when no proof is needed.
    /// </summary>
    public async Task<IActionResult> OnPostProofAsync(CancellationToken ct)
    {
        var challenge = await signIn.ChallengeForAsync(Username, DeviceCookie.Presented(HttpContext), RequestActor, ct);
        return new JsonResult(new { token = challenge?.Token, bits = challenge?.Bits });
    }

    /// <summary>Starts a username-less passkey sign-in (called by webauthn.js).</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken ct)
    {
        var start = await passkeys.BeginAsync(ct);
        return new JsonResult(new { challengeId = start.ChallengeId, options = start.OptionsJson });
    }

    /// <summary>Signs in with a passkey alone: no username, no password.</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        var actor = RequestActor;
        var result = await passkeys.SignInAsync(ChallengeId, Credential, DeviceCookie.Ensure(HttpContext), actor, ct);
        Core.Observability.BulwarkMetrics.SignIn("passkey", result.Outcome.ToString());
        Credential = "";
        if (result.Outcome == SignInOutcome.SignedIn)
        {
            await web.SignInAsync(HttpContext, result.SessionId!, result.Session!.Id, actor);
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }
        if (result.Outcome == SignInOutcome.Throttled) MarkThrottled(result.RetryAfterSeconds);
        FailedForm = "passkey";
        ModelState.Clear();
        ModelState.AddModelError("", result.Message);
        return Page();
    }
}
