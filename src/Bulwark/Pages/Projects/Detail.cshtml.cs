using Bulwark.Core.Browsing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bulwark.Pages.Projects;

/// <summary>A project's page, showing its latest release.</summary>
public sealed class DetailModel(ProjectPages pages) : PageModel
{
    public ProjectView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        var view = await pages.LoadWithDescriptionAsync(name, null, ct);
        if (view is null) return NotFound();
        if (name != view.Project.NormalizedName) return RedirectPermanent($"/project/{view.Project.NormalizedName}/");
        View = view;
        return Page();
    }
}
