using Bulwark.Core.Moderation;
using Bulwark.Core.Moderation.Typosquats;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Admin;

/// <summary>
/// The admins' name lists: the prohibited names (each with its comment), and the typosquat check's additions to the
/// protected set and allowed pairs, each with a form to add one and a button to take one out.
/// </summary>
public sealed class NamesModel(ProhibitedNames names, NameLists lists) : AdminPageModel
{
    public IReadOnlyList<ProhibitedProjectName> Names { get; private set; } = [];
    public NameListsView Lists { get; private set; } = new([], []);

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Comment { get; set; }
    [BindProperty] public string? ProtectName { get; set; }
    [BindProperty] public string? AllowName { get; set; }
    [BindProperty] public string? AllowSimilar { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await names.ProhibitAsync(Name, Comment, RequestActor, ct);
        if (!outcome.TryGetValue(out var added, out var refusal))
        {
            return await RefusedAsync(refusal.Field == "comment" ? nameof(Comment) : nameof(Name), refusal, ct);
        }
        Flash($"'{added.NormalizedName}' is prohibited: no new project may take it.");
        return RedirectToPage();
    }

    public Task<IActionResult> OnPostProtectAsync(CancellationToken ct) => ProtectAsync(remove: false, ct);

    public Task<IActionResult> OnPostUnprotectAsync(CancellationToken ct) => ProtectAsync(remove: true, ct);

    public Task<IActionResult> OnPostAllowAsync(CancellationToken ct) => AllowAsync(remove: false, ct);

    public Task<IActionResult> OnPostDisallowAsync(CancellationToken ct) => AllowAsync(remove: true, ct);

    private async Task<IActionResult> ProtectAsync(bool remove, CancellationToken ct)
    {
        var outcome = await lists.ProtectAsync(ProtectName, remove, RequestActor, ct);
        if (!outcome.TryGetValue(out var changed, out var refusal)) return await RefusedAsync(nameof(ProtectName), refusal, ct);
        var name = ProjectName.Normalize(ProtectName!.Trim());
        Flash((remove, changed) switch
        {
            (false, true) => $"'{name}' is protected: new projects resembling it are held or refused.",
            (false, false) => $"'{name}' was already protected.",
            (true, true) => $"'{name}' is no longer among the protected additions.",
            (true, false) => $"'{name}' was not among the protected additions.",
        });
        return RedirectToPage();
    }

    private async Task<IActionResult> AllowAsync(bool remove, CancellationToken ct)
    {
        var outcome = await lists.AllowAsync(AllowName, AllowSimilar, remove, RequestActor, ct);
        if (!outcome.TryGetValue(out var changed, out var refusal))
        {
            return await RefusedAsync(refusal.Field == "similar" ? nameof(AllowSimilar) : nameof(AllowName), refusal, ct);
        }
        var pair = $"'{ProjectName.Normalize(AllowName!.Trim())}' next to '{ProjectName.Normalize(AllowSimilar!.Trim())}'";
        Flash((remove, changed) switch
        {
            (false, true) => $"Allowed: {pair}.",
            (false, false) => $"Already allowed: {pair}.",
            (true, true) => $"No longer allowed: {pair}.",
            (true, false) => $"Was not allowed: {pair}.",
        });
        return RedirectToPage();
    }

    private async Task<IActionResult> RefusedAsync(string field, Refusal refusal, CancellationToken ct)
    {
        ModelState.AddModelError(field, refusal.Message);
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Names = await names.ListAsync(ct);
        Lists = await lists.ListAsync(ct);
    }
}
