using Bulwark.Auth;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Admin;

/// <summary>
/// The review queue: projects with open reports, newest first, and the verdicts. Every admin page already needs a
/// security-key or passkey session (<see cref="AdminPageModel"/>); the destructive verdicts (quarantine, removal)
/// also need a recent authentication and the project's name typed, so a left-open session or a slip of the mouse
/// cannot take a project down.
/// </summary>
public sealed class ReportsModel(ReviewQueue queue, ReportVerdicts verdicts) : AdminPageModel
{
    public IReadOnlyList<QueueEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Entries = await queue.OpenAsync(ct);

    /// <summary>Not malware: closes the reports and tells the reporters; changes nothing else, so no typed name.</summary>
    public async Task<IActionResult> OnPostDismissAsync(string project, CancellationToken ct) =>
        Answer(await verdicts.DecideAsync(new VerdictRequest(project, ReportVerdict.NotMalware, [], null, false), RequestActor, ct));

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostQuarantineAsync(string project, string[]? versions, string? reason, string? confirm, CancellationToken ct)
    {
        if (!Confirmed(project, confirm)) return RedirectToPage();
        return Answer(await verdicts.DecideAsync(new VerdictRequest(project, ReportVerdict.Quarantined, versions ?? [], reason, false), RequestActor, ct));
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostRemoveAsync(string project, string[]? versions, string? reason, bool freeze, string? confirm, CancellationToken ct)
    {
        if (!Confirmed(project, confirm)) return RedirectToPage();
        return Answer(await verdicts.DecideAsync(new VerdictRequest(project, ReportVerdict.Removed, versions ?? [], reason, freeze), RequestActor, ct));
    }

    private bool Confirmed(string project, string? typed)
    {
        if (!string.IsNullOrWhiteSpace(typed) && ProjectName.Normalize(typed.Trim()) == ProjectName.Normalize(project.Trim())) return true;
        Flash($"Type the project name “{project}” to confirm.", error: true);
        return false;
    }

    private IActionResult Answer(Core.Outcomes.Outcome<string> outcome)
    {
        Flash(outcome.Succeeded ? outcome.Value : outcome.Refusal.Message, error: !outcome.Succeeded);
        return RedirectToPage();
    }
}
