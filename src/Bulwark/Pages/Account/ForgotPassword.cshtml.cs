using Bulwark.Auth;
using Bulwark.Core.Accounts.Flows;
using Microsoft.AspNetCore.Mvc;

using Bulwark.Core.Outcomes;

namespace Bulwark.Pages.Account;

public sealed class ForgotPasswordModel(PasswordResetRequest request) : BulwarkPageModel
{
    [BindProperty]
    public string Login { get; set; } = "";

    /// <summary>The same words whether or not an account matched.</summary>
    public string? Answer { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await request.RequestAsync(Login, RequestActor, DeviceCookie.Presented(HttpContext), ct);
        if (result.TryGetValue(out var answer, out var refusal))
        {
            Answer = answer;
            return Page();
        }
        ShowRefusal(refusal);
        return Page();
    }
}
