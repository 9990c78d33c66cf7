using Bulwark.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account;

/// <summary>Sign-out is a POST (with the antiforgery token), so a link on another site cannot sign anyone out.</summary>
public sealed class LogoutModel(WebSignIn web) : BulwarkPageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await web.SignOutAsync(HttpContext, RequestActor);
        Flash("You are signed out.");
        return LocalRedirect("/");
    }
}
