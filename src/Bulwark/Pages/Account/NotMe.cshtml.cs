using Bulwark.Auth;
using Bulwark.Core.Accounts.Devices;
using Microsoft.AspNetCore.Mvc;

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
        if (!result.Succeeded)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            AddError(result);
            return Page();
        }
        // Whatever session this browser held is over too.
        SessionCookie.Delete(HttpContext);
        Done = result.Message;
        return Page();
    }
}
