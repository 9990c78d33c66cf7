using Bulwark.Core.Accounts.Flows;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account;

/// <summary>The landing page of the e-mailed reset link: a new-password form while the link is usable.</summary>
public sealed class ResetPasswordModel(PasswordReset reset) : BulwarkPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string Password { get; set; } = "";

    public string? LinkProblem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        NoReferrer();
        var check = await reset.CheckLinkAsync(Token, ct);
        if (!check.Succeeded)
        {
            LinkProblem = check.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        NoReferrer();
        var result = await reset.ResetAsync(Token, Password, RequestActor, ct);
        Password = "";
        if (result.Succeeded)
        {
            Flash(result.Message);
            return LocalRedirect("/account/login");
        }
        if (result.Status == AccountStatus.LinkRejected)
        {
            LinkProblem = result.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        AddError(result);
        return Page();
    }
}
