using Bulwark.Core.Projects;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account;

/// <summary>Project invitations addressed to the signed-in user: accept or decline.</summary>
public sealed class InvitationsModel(Collaborators collaborators) : BulwarkPageModel
{
    public IReadOnlyList<InvitationRow> Invitations { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Invitations = await collaborators.PendingForUserAsync(CurrentUser.Id, ct);
    }

    public async Task<IActionResult> OnPostAcceptAsync(long id, CancellationToken ct)
    {
        var result = await collaborators.AcceptAsync(id, CurrentUser, RequestActor, ct);
        Flash(result);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeclineAsync(long id, CancellationToken ct)
    {
        var result = await collaborators.DeclineAsync(id, CurrentUser, RequestActor, ct);
        Flash(result);
        return RedirectToPage();
    }
}
