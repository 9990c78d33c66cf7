using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Bulwark.Core.Uploads;

namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// Acts on a <see cref="NameAction.Hold"/> verdict when a project is created: the project is created quarantined
/// (so nothing of it is installable) and a typosquat report with the finding waits in the review queue. Called by
/// every creation path inside its own transaction, after the new project has its id; the caller saves.
/// </summary>
public sealed class TyposquatHold(ProjectNamePolicy names, IndexWriter index, AuditLog audit, DetectorReports reports)
{
    /// <summary>Who files the report and quarantines the project (no user: the detector).</summary>
    public static readonly Actor Detector = new("typosquat-check", "bulwark typosquat check");

    /// <summary>The detector name of the typosquat findings in the review queue (also <c>names sweep</c>'s).</summary>
    public const string FindingDetector = "typosquat";

    /// <summary>Holds <paramref name="project"/> when its name's verdict is hold; returns the verdict.</summary>
    public async Task<NameVerdict> ApplyAsync(Project project, CancellationToken ct = default)
    {
        var verdict = await names.TyposquatVerdictAsync(project.Name, ct);
        if (verdict.Verdict != NameAction.Hold) return verdict;

        // Quarantine rather than refuse: the rule that matched is one the operator judged too loose to block on, so a
        // person decides, and until then the name is taken but nothing under it can be installed.
        var summary = verdict.SimilarTo is null
            ? $"New project '{project.Name}' was held by the typosquat check (rule: {verdict.Rule})."
            : $"New project '{project.Name}' resembles the protected project '{verdict.SimilarTo}' (rule: {verdict.Rule}); held for review.";
        project.LifecycleBeforeQuarantine = project.Lifecycle;
        project.Lifecycle = ProjectLifecycle.Quarantined;
        await index.AppendAsync(project, "quarantine project", ct: ct);
        reports.File(project, new DetectorReport(ReportKind.Typosquat, FindingDetector, summary,
            new TyposquatFindingDetails(verdict.VerdictText, verdict.SimilarTo, verdict.Rule)));
        audit.Record(AuditEventType.ProjectQuarantined, Detector, null, project.Id,
            new QuarantineDetails(project.Name, null, summary, $"typosquat: {verdict.Rule}"));
        return verdict;
    }
}
