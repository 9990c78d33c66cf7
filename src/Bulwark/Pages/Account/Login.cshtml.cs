using Bulwark.Auth;
using Bulwark.Core.Accounts.Flows;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account;

public sealed class LoginModel(PasswordSignIn signIn, WebSignIn web) : BulwarkPageModel
{
    /// <summary>Where a session waiting for its second factor continues (the second-factor pages plug in here).</summary>
    public const string SecondFactorPath = "/account/two-factor";

    [BindProperty]
    public string Username { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Also shown to a signed-in user, to switch accounts; signing in ends the current session.</summary>
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var actor = RequestActor;
        var result = await signIn.SignInAsync(Username, Password, actor, ct);
        Password = "";
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
        }
        ModelState.AddModelError("", result.Message);
        return Page();
    }
}
