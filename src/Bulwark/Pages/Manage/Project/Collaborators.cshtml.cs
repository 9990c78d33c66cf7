using Bulwark.Auth;
using Bulwark.Core.Packaging;
using Bulwark.Core.Projects;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Manage.Project;

/// <summary>Who works on the project: owners invite, withdraw invitations and remove; anyone may leave.</summary>
public sealed class CollaboratorsModel(ProjectAccess access, Collaborators collaborators) : ManagePageModel(access)
{
    public IReadOnlyList<CollaboratorRow> Members { get; private set; } = [];
    public IReadOnlyList<InvitationRow> Invitations { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        Members = await collaborators.ListAsync(Project.Id, ct);
        Invitations = Membership.CanManageCollaborators ? await collaborators.PendingForProjectAsync(Project.Id, ct) : [];
        return Page();
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostInviteAsync(string name, string? username, ProjectRoleKind role, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Enum.IsDefined(role)) return BadRequest();
        return Outcome(await collaborators.InviteAsync(Membership, CurrentUser, username ?? "", role, RequestActor, ct));
    }

    public async Task<IActionResult> OnPostWithdrawAsync(string name, long id, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        return Outcome(await collaborators.RevokeInvitationAsync(Membership, CurrentUser, id, RequestActor, ct));
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostRemoveAsync(string name, string username, string? confirm, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Confirmed(confirm)) return RedirectToPage();
        return Outcome(await collaborators.RemoveAsync(Membership, CurrentUser, username, RequestActor, ct));
    }

    public async Task<IActionResult> OnPostLeaveAsync(string name, string? confirm, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Confirmed(confirm)) return RedirectToPage();
        var result = await collaborators.LeaveAsync(Membership, CurrentUser, RequestActor, ct);
        return Outcome(result, result.Succeeded ? "/manage/projects/" : null);
    }
}
