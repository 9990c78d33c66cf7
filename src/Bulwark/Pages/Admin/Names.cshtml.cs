using Bulwark.Core.Moderation;
using Bulwark.Core.Packaging;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Admin;

/// <summary>The prohibited project names: the list with each comment, and a form to add one.</summary>
public sealed class NamesModel(ProhibitedNames names) : AdminPageModel
{
    public IReadOnlyList<ProhibitedProjectName> Names { get; private set; } = [];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Comment { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Names = await names.ListAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await names.ProhibitAsync(Name, Comment, RequestActor, ct);
        if (!outcome.TryGetValue(out var added, out var refusal))
        {
            ModelState.AddModelError(refusal.Field == "comment" ? nameof(Comment) : nameof(Name), refusal.Message);
            Names = await names.ListAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Flash($"'{added.NormalizedName}' is prohibited: no new project may take it.");
        return RedirectToPage();
    }
}
