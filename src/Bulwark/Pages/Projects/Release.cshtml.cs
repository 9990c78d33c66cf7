using Bulwark.Core.Browsing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bulwark.Pages.Projects;

/// <summary>One version of a project, including yanked ones.</summary>
public sealed class ReleaseModel(ProjectPages pages) : PageModel
{
    public ProjectView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string name, string version, CancellationToken ct)
    {
        var view = await pages.LoadWithDescriptionAsync(name, version, ct);
        if (view is null) return NotFound();
        View = view;
        return Page();
    }
}
