using Bulwark.Core.Data;
using Bulwark.Core.Moderation.Reports;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>One existing project the sweep found resembling a protected name, and whether a report was filed for it now.</summary>
public sealed record SweepHit(string Project, string Verdict, string? SimilarTo, string? Rule, bool AlreadyReported);

/// <summary>What <c>names sweep</c> found: how many projects it checked, the hits, and how many reports it filed.</summary>
public sealed record SweepResult(int Checked, IReadOnlyList<SweepHit> Hits, int Filed);

/// <summary>
/// <c>names sweep</c>: checks every existing project's name against the server's protected set, as if each had been
/// registered after the protected names ranked above it (<see cref="TyposquatCheck.CheckAgainstOthers"/>, so a
/// project never matches itself and the admins' allowed pairs hold), and files a typosquat report with the finding
/// for each hit. Nothing is quarantined: the projects exist already and may be in use, so a person decides. A
/// project that already has a typosquat finding (from its creation or an earlier sweep) gets no second report,
/// which makes the sweep safe to repeat.
/// </summary>
public sealed class NameSweep(BulwarkDbContext db, ServerProtectedNames protectedNames, DetectorReports reports)
{
    /// <summary>Reports are saved in batches of this many, so a sweep over a large index holds no long transaction.</summary>
    public const int BatchSize = 500;

    /// <summary>Runs the sweep; with <paramref name="dryRun"/> nothing is filed.</summary>
    public async Task<SweepResult> RunAsync(bool dryRun, CancellationToken ct = default)
    {
        var check = await protectedNames.BuildAsync(db, ct);
        var reported = (await db.ModerationFindings.AsNoTracking()
            .Where(f => f.Detector == TyposquatHold.FindingDetector && f.ProjectId != null)
            .Select(f => f.ProjectId!.Value).Distinct().ToListAsync(ct)).ToHashSet();
        var projects = await db.Projects.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Id, p.Name }).ToListAsync(ct);

        var hits = new List<SweepHit>();
        var pending = 0;
        foreach (var project in projects)
        {
            var verdict = check.CheckAgainstOthers(project.Name);
            if (verdict.Verdict == NameAction.Ok) continue;
            var already = reported.Contains(project.Id);
            hits.Add(new SweepHit(project.Name, verdict.VerdictText, verdict.SimilarTo, verdict.Rule, already));
            if (already || dryRun) continue;

            var summary = $"Existing project '{project.Name}' resembles the protected project '{verdict.SimilarTo}' " +
                $"(rule: {verdict.Rule}, verdict: {verdict.VerdictText}); found by names sweep.";
            reports.File(project.Id, project.Name, new DetectorReport(ReportKind.Typosquat, TyposquatHold.FindingDetector, summary,
                new TyposquatFindingDetails(verdict.VerdictText, verdict.SimilarTo, verdict.Rule)));
            if (++pending % BatchSize == 0) await db.SaveChangesAsync(ct);
        }
        await db.SaveChangesAsync(ct);
        return new SweepResult(projects.Count, hits, dryRun ? 0 : hits.Count(h => !h.AlreadyReported));
    }
}
