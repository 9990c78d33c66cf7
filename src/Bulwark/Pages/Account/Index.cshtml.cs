using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Projects;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account;

public sealed class IndexModel(Collaborators collaborators, EmailVerification verification) : BulwarkPageModel
{
    public User Account { get; private set; } = null!;
    public int PendingInvitations { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Account = CurrentUser;
        PendingInvitations = (await collaborators.PendingForUserAsync(Account.Id, ct)).Count;
    }

    public async Task<IActionResult> OnPostResendVerificationAsync(CancellationToken ct)
    {
        var result = await verification.SendAsync(CurrentUser, RequestActor, ct);
        Flash(result);
        return RedirectToPage();
    }
}
