using Bulwark.Auth;
using Bulwark.Core.Accounts.Devices;
using Microsoft.AspNetCore.Mvc;

using Bulwark.Core.Outcomes;

namespace Bulwark.Pages.Account;

/// <summary>
/// "This was not me" from a new-device mail. The GET only shows a button: mail scanners fetch links, and a
/// fetch must not freeze anyone's account. The POST freezes the account and ends every session.
/// </summary>
public sealed class NotMeModel(DeviceConfirmation confirmation) : BulwarkPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public string? Done { get; private set; }

    public void OnGet()
    {
        NoReferrer();
        NoStore();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        NoReferrer();
        var result = await confirmation.ReportNotMeAsync(Token, RequestActor, ct);
        Token = null;
        if (!result.TryGetValue(out var done, out var refusal))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            ShowRefusal(refusal);
            return Page();
        }
        // Whatever session this browser held is over too.
        SessionCookie.Delete(HttpContext);
        Done = done;
        return Page();
    }
}
