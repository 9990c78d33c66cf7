using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Projects;

namespace Bulwark.Pages.Manage;

/// <summary>The signed-in user's projects.</summary>
public sealed class ProjectsModel(TokenList list, Collaborators collaborators) : BulwarkPageModel
{
    public IReadOnlyList<ScopableProject> Projects { get; private set; } = [];
    public int PendingInvitations { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Projects = await list.ProjectsOfAsync(CurrentUser.Id, ct);
        PendingInvitations = (await collaborators.PendingForUserAsync(CurrentUser.Id, ct)).Count;
    }
}
