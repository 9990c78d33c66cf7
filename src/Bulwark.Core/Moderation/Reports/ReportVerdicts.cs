using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Moderation.Reports;

/// <summary>An administrator's decision on a project's open reports.</summary>
/// <param name="Versions">For quarantine and removal: the releases; none means the whole project.</param>
/// <param name="FreezeUploaders">For removal: also freeze the accounts that uploaded what is removed.</param>
public sealed record VerdictRequest(string Project, ReportVerdict Verdict, IReadOnlyCollection<string> Versions, string? Reason, bool FreezeUploaders);

/// <summary>
/// Carries out a verdict (not malware, quarantine, remove malware), closes every open report on the project with
/// it, and e-mails each reporter the verdict. The action and the closing are separate commits: if closing failed
/// after a quarantine, the reports would still be open and the verdict could be given again (it is then refused
/// as already done, and "not malware" closes them).
/// </summary>
public sealed class ReportVerdicts(
    BulwarkDbContext db, ProjectQuarantine quarantine, MalwareRemoval removal, AuditLog audit, IEmailSender mail, TimeProvider time)
{
    /// <summary>What was done, as a sentence for the reviewer.</summary>
    public async Task<Outcome<string>> DecideAsync(VerdictRequest request, Actor actor, CancellationToken ct = default)
    {
        var normalized = ProjectName.Normalize(request.Project.Trim());
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
        if (project is null) return Refusal.NotFound($"There is no project '{request.Project}'.");
        var open = await db.ProjectReports.Where(r => r.ProjectId == project.Id && r.ClosedAt == null).ToListAsync(ct);
        if (open.Count == 0) return Refusal.Conflict($"Project '{project.Name}' has no open reports.");

        string done;
        switch (request.Verdict)
        {
            case ReportVerdict.NotMalware:
                done = $"Closed {open.Count} report{(open.Count == 1 ? "" : "s")} on {project.Name} as not malware.";
                if (await LiftQuarantineAsync(project, open, actor, ct) is { } lifted) done += $" Lifted the quarantine of {lifted}.";
                break;
            case ReportVerdict.Quarantined:
                if (!(await quarantine.QuarantineAsync(project.Name, request.Versions, request.Reason, actor, ct: ct)).TryGetValue(out var target, out var refused)) return refused;
                done = target.WholeProject ? $"Quarantined {project.Name}." : $"Quarantined {project.Name} {string.Join(", ", target.Versions)}.";
                break;
            case ReportVerdict.Removed:
                if (!(await removal.RemoveAsync(project.Name, request.Versions, request.Reason, request.FreezeUploaders, actor, ct)).TryGetValue(out var removed, out var refusal)) return refusal;
                done = (removed.Versions.Count == 0
                        ? $"Removed {removed.Project} and its {removed.Files} files; the name is prohibited."
                        : $"Removed {removed.Project} {string.Join(", ", removed.Versions)} ({removed.Files} files).")
                    + (removed.FrozenAccounts.Count > 0 ? $" Frozen: {string.Join(", ", removed.FrozenAccounts)}." : "");
                break;
            default:
                return Refusal.Invalid("Choose a verdict.", "verdict");
        }

        var now = time.GetUtcNow();
        foreach (var report in open)
        {
            report.ClosedAt = now;
            report.Verdict = request.Verdict;
        }
        var stillThere = request.Verdict != ReportVerdict.Removed || request.Versions.Count > 0;
        audit.Record(AuditEventType.ReportsClosed, actor, null, stillThere ? project.Id : null,
            new ReportsClosedDetails(project.Name, request.Verdict, open.Select(r => r.Id).ToList()));
        await db.SaveChangesAsync(ct);

        var reporterIds = open.Select(r => r.ReporterUserId).OfType<long>().Distinct().ToList();
        foreach (var reporter in await db.Users.AsNoTracking().Where(u => reporterIds.Contains(u.Id)).ToListAsync(ct))
        {
            await mail.SendAsync(ModerationEmails.Verdict(reporter.Email, reporter.Username, project.Name, Describe(request.Verdict)), ct);
        }
        return done;
    }

    /// <summary>
    /// "Not malware" undoes what the reports caused: the project's quarantine, or the quarantine of the releases the
    /// reports named (an automatic quarantine on a false report must not outlive the verdict). Returns what was lifted.
    /// </summary>
    private async Task<string?> LiftQuarantineAsync(Project project, List<ProjectReport> reports, Actor actor, CancellationToken ct)
    {
        if (project.Lifecycle == ProjectLifecycle.Quarantined)
        {
            return (await quarantine.UnquarantineAsync(project.Name, [], actor, ct)).Succeeded ? project.Name : null;
        }
        var named = reports.Select(r => r.Version).OfType<string>().Distinct().ToList();
        var quarantined = await db.Releases.AsNoTracking()
            .Where(r => r.ProjectId == project.Id && r.Lifecycle == ReleaseLifecycle.Quarantined && named.Contains(r.Version))
            .Select(r => r.Version).ToListAsync(ct);
        if (quarantined.Count == 0) return null;
        return (await quarantine.UnquarantineAsync(project.Name, quarantined, actor, ct)).Succeeded ? $"{project.Name} {string.Join(", ", quarantined)}" : null;
    }

    public static string Describe(ReportVerdict verdict) => verdict switch
    {
        ReportVerdict.NotMalware => "not malware: no action was taken",
        ReportVerdict.Quarantined => "quarantined",
        ReportVerdict.Removed => "removed as malware",
        _ => verdict.ToString(),
    };
}

/// <summary>Audit details of closing a project's reports.</summary>
public sealed record ReportsClosedDetails(string Project, ReportVerdict Verdict, IReadOnlyList<long> Reports) : IAuditDetails;
