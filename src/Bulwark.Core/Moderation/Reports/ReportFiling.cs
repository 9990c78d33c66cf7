using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Moderation.Reports;

/// <summary>What a reporter sends: the project, optionally one release, the kind, a summary and an evidence URL.</summary>
public sealed record ReportRequest(string Project, string? Version, ReportKind Kind, string? Summary, string? EvidenceUrl);

/// <summary>
/// Files a report from a signed-in user (the project page) or from a trusted observer (the observation API),
/// then lets <see cref="AutoQuarantine"/> decide whether the reports now on the project quarantine it.
/// Refusals name the field at fault: <c>summary</c>, <c>evidence_url</c>, <c>version</c>.
/// </summary>
public sealed class ReportFiling(BulwarkDbContext db, ModerationTargets targets, AuditLog audit, AutoQuarantine autoQuarantine,
    IOptions<ModerationOptions> options, TimeProvider time)
{
    public const int MaxSummaryLength = 2000;
    public const int MaxUrlLength = 2000;

    /// <param name="asObserver">Filed through the observation API; the caller has checked the observer role.</param>
    public async Task<Outcome<ProjectReport>> FileAsync(ReportRequest request, User reporter, bool asObserver, Actor actor, CancellationToken ct = default)
    {
        if (Validate(request, requireUrlForMalware: asObserver) is { } invalid) return invalid;
        if (await ThrottleAsync(reporter, ct) is { } throttled) return throttled;
        var versions = string.IsNullOrWhiteSpace(request.Version) ? [] : new[] { request.Version };
        if (!(await targets.FindAsync(request.Project, versions, ct)).TryGetValue(out var target, out var refusal)) return refusal;

        var report = new ProjectReport
        {
            ProjectId = target.Project.Id,
            ProjectName = target.Project.Name,
            Version = target.WholeProject ? null : target.Releases[0].Version,
            ReporterUserId = reporter.Id,
            Kind = request.Kind,
            Summary = request.Summary!.Trim(),
            EvidenceUrl = string.IsNullOrWhiteSpace(request.EvidenceUrl) ? null : request.EvidenceUrl.Trim(),
            FromObserver = asObserver,
            CreatedAt = time.GetUtcNow(),
        };
        db.ProjectReports.Add(report);
        await db.SaveChangesAsync(ct);
        audit.Record(AuditEventType.ProjectReported, actor, reporter.Id, target.Project.Id,
            new ReportDetails(report.Id, report.ProjectName, report.Version, report.Kind, report.FromObserver, report.EvidenceUrl));
        await db.SaveChangesAsync(ct);

        if (report.Kind == ReportKind.Malware) await autoQuarantine.ConsiderAsync(report, ct);
        return report;
    }

    /// <summary>
    /// Refuses a report beyond <see cref="ModerationOptions.ReportsPerHour"/> in the last hour, saying when the oldest
    /// of them leaves the window. The count is read from the reports themselves, so it holds across restarts and
    /// servers; two reports sent at the same instant may both pass, which a cap against flooding can allow.
    /// </summary>
    private async Task<Refusal?> ThrottleAsync(User reporter, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var limit = options.Value.ReportsPerHour;
        var recent = await db.ProjectReports.AsNoTracking()
            .Where(r => r.ReporterUserId == reporter.Id && r.CreatedAt > now - Window)
            .OrderByDescending(r => r.CreatedAt).Select(r => r.CreatedAt).Take(limit).ToListAsync(ct);
        if (recent.Count < limit) return null;
        var wait = recent[^1] + Window - now;
        return Refusal.Throttled($"You have filed {limit} reports in the last hour, the most allowed. Try again in {Refusal.DescribeWait(wait)}.", wait);
    }

    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>The checks of the fields alone, before anything is looked up.</summary>
    public static Refusal? Validate(ReportRequest request, bool requireUrlForMalware)
    {
        if (!Enum.IsDefined(request.Kind)) return Refusal.Invalid("Choose what kind of problem this is.", "kind");
        if (string.IsNullOrWhiteSpace(request.Summary)) return Refusal.Invalid("Describe the problem in the summary.", "summary");
        if (request.Summary.Trim().Length > MaxSummaryLength) return Refusal.Invalid($"The summary is longer than {MaxSummaryLength} characters.", "summary");
        if (string.IsNullOrWhiteSpace(request.EvidenceUrl))
        {
            // Warehouse asks observers for an inspector link on every malware report: the reviewer starts from it.
            return requireUrlForMalware && request.Kind == ReportKind.Malware
                ? Refusal.Invalid("A malware report needs an evidence URL (an inspector link to the code in question).", "evidence_url")
                : null;
        }
        var url = request.EvidenceUrl.Trim();
        // Only http(s): the link is shown to administrators, and a javascript: or data: URL must never be clickable there.
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http"))
        {
            return Refusal.Invalid("The evidence URL must be an http or https URL of at most 2000 characters.", "evidence_url");
        }
        return null;
    }
}

/// <summary>Audit details of a report (the summary stays in the report row, not in the log).</summary>
public sealed record ReportDetails(long Report, string Project, string? Version, ReportKind Kind, bool Observer, string? EvidenceUrl) : IAuditDetails;
