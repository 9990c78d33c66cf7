using System.Diagnostics;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Policies;

/// <summary>What one recompute found and changed.</summary>
/// <param name="AlreadyCritical">Projects that were critical before this run (kept whatever their downloads).</param>
/// <param name="Marked">Projects this run made critical; empty on a repeated run.</param>
/// <param name="Notified">Projects whose maintainers were told during this run (new ones and retries).</param>
public sealed record CriticalRecomputeResult(
    DownloadWindow Window,
    decimal TopPercent,
    long MinDownloads,
    int Population,
    int TargetSize,
    long? CutOff,
    int QualifyingByDownloads,
    int AlreadyCritical,
    IReadOnlyList<MarkedProject> Marked,
    int Notified,
    TimeSpan AggregationTime,
    TimeSpan TotalTime);

/// <summary>
/// Recomputes the critical cohort from <c>download_counts</c> and marks new members. Idempotent: a second run
/// with the same counts on the same UTC day finds every member marked and writes nothing.
/// </summary>
public sealed class CriticalRecompute(BulwarkDbContext db, IndexWriter index, CriticalMarks marks, IOptions<CriticalProjectOptions> options, TimeProvider time)
{
    // Marks are written in chunks so the first run on a large index (thousands of new members) does not hold
    // one huge transaction, and each chunk is still all-or-nothing per project.
    private const int MarkChunk = 1000;

    public async Task<CriticalRecomputeResult> RunAsync(Actor actor, CancellationToken ct = default)
    {
        using var timer = Observability.BulwarkMetrics.TimeJob("critical_recompute");
        var o = options.Value;
        var total = Stopwatch.StartNew();
        var window = DownloadWindow.Ending(time.GetUtcNow(), o.CriticalWindowDays);

        var aggregation = Stopwatch.StartNew();
        var totals = await LoadTotalsAsync(db, window, ct);
        aggregation.Stop();

        var state = await LoadStateAsync(ct);
        var snapshot = CriticalCohort.Compute(totals, o.CriticalTopPercent, o.CriticalMinDownloads, window, state);
        var context = $"window {window}; top {o.CriticalTopPercent}% of {snapshot.Population} = {snapshot.TargetSize}; cut-off {snapshot.CutOff}; floor {o.CriticalMinDownloads}";

        var marked = new List<MarkedProject>();
        foreach (var chunk in snapshot.NewMembers.Chunk(MarkChunk))
        {
            await using var tx = await index.BeginAsync(ct);
            await marks.LockAsync(ct);
            marked.AddRange(await marks.MarkAsync(chunk, actor, context, ct));
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        var notified = await marks.NotifyPendingAsync(ct);
        Observability.BulwarkMetrics.CriticalProjectCount(state.Marked.Count + marked.Count);

        return new CriticalRecomputeResult(window, o.CriticalTopPercent, o.CriticalMinDownloads, snapshot.Population, snapshot.TargetSize,
            snapshot.CutOff, snapshot.ByDownloads.Count, state.Marked.Count, marked, notified, aggregation.Elapsed, total.Elapsed);
    }

    /// <summary>
    /// Per-project downloads over the window as one set-based statement: the counts are summed per project
    /// first and only the sums are joined to <c>projects</c> (which drops counts of deleted projects). Only
    /// projects with downloads come back. The covering index (ProjectId, Day, Count) serves it on both databases.
    /// </summary>
    public static IQueryable<ProjectDownloads> TotalsQuery(BulwarkDbContext db, DownloadWindow window)
    {
        var (from, to) = (window.From, window.To);
        return db.DownloadCounts
            .Where(d => d.Day >= from && d.Day < to)
            .GroupBy(d => d.ProjectId)
            .Select(g => new { ProjectId = g.Key, Downloads = g.Sum(d => d.Count) })
            .Join(db.Projects, t => t.ProjectId, p => p.Id, (t, p) => new ProjectDownloads(t.ProjectId, t.Downloads));
    }

    public static async Task<List<ProjectDownloads>> LoadTotalsAsync(BulwarkDbContext db, DownloadWindow window, CancellationToken ct)
    {
        var previousTimeout = db.Database.GetCommandTimeout();
        // A large index aggregates tens of millions of rows; the default 30 s would be a guess, not a limit.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        try
        {
            return await TotalsQuery(db, window).ToListAsync(ct);
        }
        finally
        {
            db.Database.SetCommandTimeout(previousTimeout);
        }
    }

    private async Task<CohortState> LoadStateAsync(CancellationToken ct)
    {
        var marked = (await db.Projects.AsNoTracking().Where(p => p.CriticalSince != null).Select(p => p.Id).ToListAsync(ct)).ToHashSet();
        var overrides = await db.CriticalOverrides.AsNoTracking()
            .Join(db.Projects, o => o.NormalizedName, p => p.NormalizedName, (o, p) => new { p.Id, o.Kind, o.CreatedAt })
            .ToListAsync(ct);
        var always = overrides.Where(x => x.Kind == CriticalOverrideKind.AlwaysCritical).Select(x => x.Id).ToHashSet();
        var removed = overrides.Where(x => x.Kind == CriticalOverrideKind.Removed)
            .ToDictionary(x => x.Id, x => DateOnly.FromDateTime(x.CreatedAt.UtcDateTime));
        return new CohortState(marked, always, removed);
    }
}
