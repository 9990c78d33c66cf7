using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Moderation.Reports;

/// <summary>
/// Warehouse's automatic quarantine, on the thresholds of <see cref="ModerationOptions"/>: a malware report from a
/// trusted observer on a project younger than <see cref="ModerationOptions.NewProjectAge"/>, or open malware
/// reports on the same target (the same release, or the whole project) from at least
/// <see cref="ModerationOptions.DistinctReporters"/> accounts of which <see cref="ModerationOptions.TrustedReporters"/>
/// are observers. The target is what the reports name: the release, or the project when they name none, so one
/// bad release does not take the others down. Untrusted reports alone never quarantine anything: anyone can
/// create accounts. The action is audited with the rule and shown in the review queue.
/// </summary>
public sealed class AutoQuarantine(BulwarkDbContext db, ProjectQuarantine quarantine, IOptions<ModerationOptions> options, TimeProvider time)
{
    public const string NewProjectRule = "trusted malware report on a new project";
    public const string ReporterRule = "malware reports from several reporters, one trusted";

    /// <summary>Decides after <paramref name="report"/> was saved; returns the rule applied, or null.</summary>
    public async Task<string?> ConsiderAsync(ProjectReport report, CancellationToken ct = default)
    {
        var settings = options.Value;
        if (!settings.AutoQuarantine || report.Kind != ReportKind.Malware || report.ProjectId is not { } projectId) return null;
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == projectId, ct);
        if (project.Lifecycle == ProjectLifecycle.Quarantined) return null;
        if (report.Version is { } version &&
            await db.Releases.AsNoTracking().AnyAsync(r => r.ProjectId == projectId && r.Version == version && r.Lifecycle == ReleaseLifecycle.Quarantined, ct))
        {
            return null;
        }

        string? rule = null;
        if (report.FromObserver && time.GetUtcNow() - project.CreatedAt < settings.NewProjectAge)
        {
            rule = NewProjectRule;
        }
        else
        {
            var reporters = await db.ProjectReports.AsNoTracking()
                .Where(r => r.ProjectId == projectId && r.ClosedAt == null && r.Kind == ReportKind.Malware && r.Version == report.Version && r.ReporterUserId != null)
                .Select(r => new { r.ReporterUserId, r.FromObserver })
                .ToListAsync(ct);
            var distinct = reporters.Select(r => r.ReporterUserId).Distinct().Count();
            var trusted = reporters.Where(r => r.FromObserver).Select(r => r.ReporterUserId).Distinct().Count();
            if (distinct >= settings.DistinctReporters && trusted >= settings.TrustedReporters) rule = ReporterRule;
        }
        if (rule is null) return null;

        var versions = report.Version is null ? Array.Empty<string>() : [report.Version];
        var outcome = await quarantine.QuarantineAsync(project.Name, versions, $"Automatic: {rule} (report {report.Id}).",
            new Actor("auto-quarantine", "bulwark auto-quarantine"), rule, ct: ct);
        return outcome.Succeeded ? rule : null;
    }
}
