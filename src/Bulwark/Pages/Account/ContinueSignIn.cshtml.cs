using Bulwark.Auth;
using Bulwark.Core.Accounts.Flows;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account;

/// <summary>
/// The link e-mailed when the right password was entered while the account's failure limit had tripped
/// (see <see cref="SignInContinuation"/>): opened in the browser that asked, it finishes that sign-in.
/// </summary>
public sealed class ContinueSignInModel(SignInContinuation continuation, WebSignIn web) : BulwarkPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    /// <summary>
    /// Opening the link signs in at once. A GET that changes state on purpose: the link is single-use and
    /// matches only together with this browser's device cookie, so a mail scanner that fetches it (without
    /// that cookie) finds nothing and cannot use it up.
    /// </summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        NoReferrer();
        NoStore();
        var actor = RequestActor;
        // Only an existing device cookie can match; a browser without one is not the browser that asked.
        var deviceCookie = Request.Cookies.TryGetValue(DeviceCookie.NameFor(Request), out var value) ? value : null;
        var result = await continuation.ContinueAsync(Token, deviceCookie, actor, ct);
        Token = null;
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                await web.SignInAsync(HttpContext, result.SessionId!, result.Session!.Id, actor);
                return LocalRedirect("/manage/projects/");
            case SignInOutcome.SecondFactorRequired:
                await web.SignInAsync(HttpContext, result.SessionId!, result.Session!.Id, actor);
                return LocalRedirect(LoginModel.SecondFactorPath);
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        ModelState.AddModelError("", result.Message);
        return Page();
    }
}
