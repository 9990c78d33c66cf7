using Bulwark.Core.Accounts.Flows;
using Microsoft.AspNetCore.Mvc;

using Bulwark.Core.Outcomes;

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
        if (check.Refusal is { } refusal)
        {
            LinkProblem = refusal.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        NoReferrer();
        var result = await reset.ResetAsync(Token, Password, RequestActor, ct);
        Password = "";
        if (result.TryGetValue(out var done, out var refusal))
        {
            Flash(done);
            return LocalRedirect("/account/login");
        }
        if (refusal.Kind == RefusalKind.LinkRejected)
        {
            LinkProblem = refusal.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        ShowRefusal(refusal);
        return Page();
    }
}
