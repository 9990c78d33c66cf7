using Bulwark.Core.Browsing;
using Bulwark.Core.Projects;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Manage.Project;

/// <summary>A project's releases, each with a link to yank, unyank or delete it.</summary>
public sealed class IndexModel(ProjectAccess access, ProjectPages pages) : ManagePageModel(access)
{
    public IReadOnlyList<ReleaseRow> Releases { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        Releases = (await pages.LoadAsync(Project.NormalizedName, null, ct))?.Releases ?? [];
        return Page();
    }
}
