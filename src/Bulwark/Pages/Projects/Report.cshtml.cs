using Bulwark.Core.Browsing;
using Bulwark.Core.Moderation.Reports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Projects;

/// <summary>Any signed-in user reports a project or one of its releases to the index administrators.</summary>
[Authorize]
public sealed class ReportModel(ProjectPages pages, ReportFiling reports) : BulwarkPageModel
{
    public ProjectView View { get; private set; } = null!;

    [BindProperty] public string? Kind { get; set; }
    [BindProperty] public string? Version { get; set; }
    [BindProperty] public string? Summary { get; set; }
    [BindProperty] public string? EvidenceUrl { get; set; }

    public static readonly (ReportKind Kind, string Label)[] Kinds =
    [
        (ReportKind.Malware, "Malware"),
        (ReportKind.Typosquat, "Typosquatting (a name made to be mistaken for another project)"),
        (ReportKind.Spam, "Spam"),
        (ReportKind.DependencyConfusion, "Dependency confusion"),
        (ReportKind.Other, "Something else"),
    ];

    public async Task<IActionResult> OnGetAsync(string name, string? version, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } missing) return missing;
        Version ??= version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string name, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } missing) return missing;
        if (!Enum.TryParse<ReportKind>(Kind, ignoreCase: false, out var kind) || !Enum.IsDefined(kind))
        {
            ModelState.AddModelError(nameof(Kind), "Choose what kind of problem this is.");
            return Page();
        }
        var outcome = await reports.FileAsync(new ReportRequest(View.Project.Name, string.IsNullOrWhiteSpace(Version) ? null : Version, kind, Summary, EvidenceUrl),
            CurrentUser, asObserver: false, RequestActor, ct);
        if (!outcome.TryGetValue(out _, out var refusal))
        {
            var field = refusal.Field switch { "summary" => nameof(Summary), "evidence_url" => nameof(EvidenceUrl), "version" => nameof(Version), "kind" => nameof(Kind), _ => "" };
            PageOutcomes.Show(ModelState, Response, refusal with { Field = field });
            return Page();
        }
        Flash("Thank you: your report was sent to the index administrators. You will be e-mailed their verdict.");
        return Redirect($"/project/{View.Project.NormalizedName}/");
    }

    private async Task<IActionResult?> LoadAsync(string name, CancellationToken ct)
    {
        var view = await pages.LoadAsync(name, null, ct);
        if (view is null) return NotFound();
        View = view;
        return null;
    }
}
