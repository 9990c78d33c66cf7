using Bulwark.Auth;
using Bulwark.Core.Browsing;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Projects;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Manage.Project;

/// <summary>One release: yank or unyank it (owners and maintainers), delete a file or the whole release (owners).</summary>
public sealed class ReleaseModel(ProjectAccess access, ProjectPages pages, ReleaseManagement releases, ReleaseRemoval removal) : ManagePageModel(access)
{
    public ReleaseDetail Detail { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string name, string version, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        var view = await pages.LoadAsync(Project.NormalizedName, version, ct);
        if (view?.Selected is null) return NotFound();
        Detail = view.Selected;
        return Page();
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostYankAsync(string name, string version, string? reason, string? confirm, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Membership.CanYank) return Forbid();
        if (!Confirmed(confirm)) return RedirectToPage();
        var outcome = await releases.SetYankedAsync(Project.Name, version, true, reason, RequestActor, ct);
        return YankAnswer(outcome, version, $"Yanked {Project.Name} {version}. pip now skips it unless it is pinned with ==.");
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostUnyankAsync(string name, string version, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Membership.CanYank) return Forbid();
        var outcome = await releases.SetYankedAsync(Project.Name, version, false, null, RequestActor, ct);
        return YankAnswer(outcome, version, $"{Project.Name} {version} is available again.");
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostDeleteFileAsync(string name, string filename, string? confirm, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Confirmed(confirm)) return RedirectToPage();
        return Outcome(await removal.RemoveFileAsync(Membership, filename, RequestActor, ct));
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostDeleteReleaseAsync(string name, string version, string? confirm, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Confirmed(confirm)) return RedirectToPage();
        var result = await removal.RemoveReleaseAsync(Membership, version, RequestActor, ct);
        return Outcome(result, result.Succeeded ? $"/manage/project/{Project.NormalizedName}/" : null);
    }

    private IActionResult YankAnswer(Outcome<YankChange> outcome, string version, string done)
    {
        var message = outcome.Match(
            change => change == YankChange.Done ? done : "Nothing changed: the release was already in that state.",
            refusal => refusal.Kind == RefusalKind.NotFound ? $"{Project.Name} has no release {version}." : refusal.Message);
        Flash(message, error: !outcome.Succeeded);
        return RedirectToPage();
    }
}
