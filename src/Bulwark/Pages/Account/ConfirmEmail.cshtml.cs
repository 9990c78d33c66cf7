using Bulwark.Core.Accounts.Flows;

namespace Bulwark.Pages.Account;

/// <summary>The landing page of the link sent to a new e-mail address.</summary>
public sealed class ConfirmEmailModel(EmailChange change) : BulwarkPageModel
{
    public AccountResult Result { get; private set; } = null!;

    public async Task OnGetAsync(string? token, CancellationToken ct)
    {
        NoReferrer();
        Result = await change.ConfirmAsync(token, RequestActor, ct);
        if (!Result.Succeeded) Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
