using Bulwark.Core.Accounts.Flows;
using Microsoft.AspNetCore.Mvc;

using Bulwark.Core.Outcomes;

namespace Bulwark.Pages.Account;

public sealed class RegisterModel(Registration registration) : BulwarkPageModel
{
    [BindProperty]
    public string Username { get; set; } = "";

    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    /// <summary>Set once the form was accepted: the page then only says to check the mailbox.</summary>
    public string? Accepted { get; private set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect("/account/") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await registration.RegisterAsync(Username, Email, Password, RequestActor, ct);
        Password = "";
        if (result.TryGetValue(out var accepted, out var refusal))
        {
            Accepted = accepted;
            return Page();
        }
        ShowRefusal(refusal);
        return Page();
    }
}
