using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Moderation.Reports;

/// <summary>One report as the queue shows it.</summary>
public sealed record QueueReport(long Id, string ProjectName, string? Version, ReportKind Kind, string Summary, string? EvidenceUrl, string? Reporter,
    bool FromObserver, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, ReportVerdict? Verdict);

/// <summary>An automatic or administrative action on the project, from the audit log (auto-quarantines among them).</summary>
public sealed record QueueAction(DateTimeOffset At, AuditEventType Type, string? Actor, string? Details);

/// <summary>A project with open reports: what the reviewer needs to decide.</summary>
public sealed record QueueEntry(
    string ProjectName,
    string? NormalizedName,
    DateTimeOffset? CreatedAt,
    ProjectLifecycle? Lifecycle,
    IReadOnlyList<string> Versions,
    IReadOnlyList<string> QuarantinedVersions,
    IReadOnlyList<(string Username, ProjectRoleKind Role)> Maintainers,
    IReadOnlyList<QueueReport> Reports,
    IReadOnlyList<ModerationFinding> Findings,
    IReadOnlyList<QueueAction> Actions)
{
    public DateTimeOffset Newest => Reports.Max(r => r.CreatedAt);
    public bool Exists => NormalizedName is not null;
}

/// <summary>
/// The review queue: projects with open reports, newest report first, each with its age, maintainers, every
/// report on it (open and closed), the detectors' findings and the moderation actions already taken.
/// </summary>
public sealed class ReviewQueue(BulwarkDbContext db)
{
    public const int MaxProjects = 200;

    private static readonly AuditEventType[] ModerationEvents =
    [
        AuditEventType.ProjectQuarantined, AuditEventType.ProjectUnquarantined, AuditEventType.ReleasesQuarantined,
        AuditEventType.ReleasesUnquarantined, AuditEventType.MalwareRemoved, AuditEventType.ReportsClosed,
    ];

    /// <summary>Every report, newest first (for <c>report list</c>).</summary>
    public async Task<List<QueueReport>> ReportsAsync(bool openOnly, CancellationToken ct = default)
    {
        var query = db.ProjectReports.AsNoTracking();
        if (openOnly) query = query.Where(r => r.ClosedAt == null);
        var rows = await query.OrderByDescending(r => r.Id).Take(10_000).ToListAsync(ct);
        return await ToQueueReportsAsync(rows, ct);
    }

    public async Task<List<QueueEntry>> OpenAsync(CancellationToken ct = default)
    {
        var projectIds = await db.ProjectReports.AsNoTracking()
            .Where(r => r.ClosedAt == null && r.ProjectId != null)
            .GroupBy(r => r.ProjectId)
            .Select(g => new { Id = g.Key!.Value, Newest = g.Max(r => r.Id) })
            .OrderByDescending(g => g.Newest).Take(MaxProjects)
            .Select(g => g.Id).ToListAsync(ct);
        var entries = new List<QueueEntry>();
        foreach (var id in projectIds)
        {
            if (await EntryAsync(id, ct) is { } entry) entries.Add(entry);
        }
        return entries;
    }

    /// <summary>One project's entry (open and closed reports), or null when it has no reports or does not exist.</summary>
    public async Task<QueueEntry?> EntryAsync(long projectId, CancellationToken ct = default)
    {
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null) return null;
        var reports = await ToQueueReportsAsync(
            await db.ProjectReports.AsNoTracking().Where(r => r.ProjectId == projectId).OrderByDescending(r => r.Id).ToListAsync(ct), ct);
        if (reports.Count == 0) return null;
        var releases = await db.Releases.AsNoTracking().Where(r => r.ProjectId == projectId)
            .Select(r => new { r.Version, r.Lifecycle }).ToListAsync(ct);
        var maintainers = (await db.ProjectRoles.AsNoTracking().Where(r => r.ProjectId == projectId)
                .OrderBy(r => r.Role).ThenBy(r => r.User.NormalizedUsername)
                .Select(r => new { r.User.Username, r.Role }).ToListAsync(ct))
            .Select(m => (m.Username, m.Role)).ToList();
        var findings = await db.ModerationFindings.AsNoTracking().Where(f => f.ProjectId == projectId).OrderByDescending(f => f.Id).Take(50).ToListAsync(ct);
        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.ProjectId == projectId && ModerationEvents.Contains(e.Type))
            .OrderByDescending(e => e.Id).Take(50).ToListAsync(ct);
        var actorIds = events.Select(e => e.ActorUserId).OfType<long>().Distinct().ToList();
        var actors = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Username, ct);
        var actions = events.Select(e => new QueueAction(e.OccurredAt, e.Type,
            e.ActorUserId is { } a && actors.TryGetValue(a, out var name) ? name : e.UserAgent, e.Details)).ToList();
        return new QueueEntry(project.Name, project.NormalizedName, project.CreatedAt, project.Lifecycle,
            IndexFormatting.SortByVersion(releases.Select(r => r.Version).ToList(), v => v),
            releases.Where(r => r.Lifecycle == ReleaseLifecycle.Quarantined).Select(r => r.Version).ToList(),
            maintainers, reports, findings, actions);
    }

    private async Task<List<QueueReport>> ToQueueReportsAsync(List<ProjectReport> rows, CancellationToken ct)
    {
        var reporterIds = rows.Select(r => r.ReporterUserId).OfType<long>().Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => reporterIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Username, ct);
        return rows.Select(r => new QueueReport(r.Id, r.ProjectName, r.Version, r.Kind, r.Summary, r.EvidenceUrl,
            r.ReporterUserId is { } id && names.TryGetValue(id, out var n) ? n : null, r.FromObserver, r.CreatedAt, r.ClosedAt, r.Verdict)).ToList();
    }
}
