namespace Bulwark.Core.Policies;

/// <summary>Downloads of one project summed over a <see cref="DownloadWindow"/>.</summary>
public readonly record struct ProjectDownloads(long ProjectId, long Downloads);

/// <summary>Why a project is (or becomes) critical.</summary>
public enum CriticalReason
{
    /// <summary>Its downloads put it in the top percent.</summary>
    Downloads = 1,
    /// <summary>An admin put its name on the always-critical list.</summary>
    AlwaysCriticalList = 2,
}

/// <summary>A project in the cohort. <see cref="Rank"/> is 1 for the most downloaded; tied projects share a rank.</summary>
public sealed record CohortMember(long ProjectId, long Downloads, int? Rank, CriticalReason Reason);

/// <summary>The marks and admin decisions the computation starts from.</summary>
/// <param name="Marked">Projects already critical. They stay critical whatever their downloads (stickiness).</param>
/// <param name="AlwaysCritical">Existing projects on the admin's always-critical list.</param>
/// <param name="RemovedOn">Projects an admin took out of the cohort, with the UTC day of the removal.</param>
public sealed record CohortState(IReadOnlySet<long> Marked, IReadOnlySet<long> AlwaysCritical, IReadOnlyDictionary<long, DateOnly> RemovedOn)
{
    public static readonly CohortState Empty = new(new HashSet<long>(), new HashSet<long>(), new Dictionary<long, DateOnly>());
}

/// <summary>The outcome of one computation.</summary>
/// <param name="Population">Projects with at least one download in the window: the base of the percentage.</param>
/// <param name="TargetSize">N = ceil(percent × population / 100).</param>
/// <param name="CutOff">Downloads of the N-th project; every project with at least this many is in (ties). Null when N is 0.</param>
/// <param name="ByDownloads">Projects that qualify on downloads now (ties and floor applied, admin removals left out), by rank.</param>
/// <param name="NewMembers">Projects to mark: qualifying or listed, and not yet marked.</param>
public sealed record CohortSnapshot(int Population, int TargetSize, long? CutOff, IReadOnlyList<CohortMember> ByDownloads, IReadOnlyList<CohortMember> NewMembers);

/// <summary>
/// Which projects are critical. Pure: the inputs are per-project download totals over the window and the
/// current marks, so every rule below is tested without a database.
/// <list type="bullet">
/// <item>Population: projects with at least one download in the window. A project nobody downloads cannot be a
/// top project, and squatted or abandoned names should not decide how many live projects are critical.</item>
/// <item>N = ceil(percent × population / 100), computed in decimal so that 1 % of 15,000 is exactly 150. Any
/// non-zero percent of a non-empty population gives at least one project.</item>
/// <item>Ties: every project with as many downloads as the N-th is in, so the cohort can be larger than N.
/// No tie-breaker (id, name, age) decides which of two equally downloaded projects gets stricter rules.</item>
/// <item>Floor: a project below the minimum is out even when its rank is within N.</item>
/// <item>Stickiness: marked projects are never returned for removal; only an admin removes a mark.</item>
/// <item>Admin removal: the project keeps its place in the ranking (a removal never pulls another project
/// in) but does not re-enter while the window still contains the day of the removal, so the downloads
/// that put it there are not held against it again. It can re-enter on downloads counted after that.</item>
/// <item>Always-critical list: listed projects are members whatever their downloads.</item>
/// </list>
/// </summary>
public static class CriticalCohort
{
    public static int TargetSize(decimal topPercent, int population)
    {
        if (topPercent <= 0 || population <= 0) return 0;
        var n = Math.Ceiling(Math.Min(topPercent, 100m) * population / 100m);
        return (int)Math.Min(n, population);
    }

    /// <summary>
    /// Whether an admin removal still keeps the project out: the window must lie entirely after the day of
    /// the removal before the project competes again.
    /// </summary>
    public static bool RemovalInForce(DateOnly removedOn, DownloadWindow window) => removedOn >= window.From;

    public static CohortSnapshot Compute(IEnumerable<ProjectDownloads> totals, decimal topPercent, long minDownloads, DownloadWindow window, CohortState state)
    {
        var ranked = totals.Where(t => t.Downloads > 0).ToArray();
        // Most downloaded first; the id only makes the output order stable, it never decides membership.
        Array.Sort(ranked, (a, b) => a.Downloads != b.Downloads ? b.Downloads.CompareTo(a.Downloads) : a.ProjectId.CompareTo(b.ProjectId));

        var n = TargetSize(topPercent, ranked.Length);
        long? cutOff = n > 0 ? ranked[n - 1].Downloads : null;
        var byDownloads = new List<CohortMember>();
        var rankOf = new Dictionary<long, (long Downloads, int Rank)>();
        var rank = 0;
        for (var i = 0; i < ranked.Length; i++)
        {
            if (i == 0 || ranked[i].Downloads != ranked[i - 1].Downloads) rank = i + 1;
            if (state.AlwaysCritical.Contains(ranked[i].ProjectId)) rankOf[ranked[i].ProjectId] = (ranked[i].Downloads, rank);
            if (cutOff is not { } c || ranked[i].Downloads < c) continue;
            if (ranked[i].Downloads < minDownloads) continue;
            if (state.RemovedOn.TryGetValue(ranked[i].ProjectId, out var removed) && RemovalInForce(removed, window)) continue;
            byDownloads.Add(new CohortMember(ranked[i].ProjectId, ranked[i].Downloads, rank, CriticalReason.Downloads));
        }

        var newMembers = new List<CohortMember>();
        var seen = new HashSet<long>();
        foreach (var id in state.AlwaysCritical.Order())
        {
            if (state.Marked.Contains(id) || !seen.Add(id)) continue;
            var (downloads, r) = rankOf.TryGetValue(id, out var v) ? (v.Downloads, (int?)v.Rank) : (0L, null);
            newMembers.Add(new CohortMember(id, downloads, r, CriticalReason.AlwaysCriticalList));
        }
        foreach (var member in byDownloads)
        {
            if (!state.Marked.Contains(member.ProjectId) && seen.Add(member.ProjectId)) newMembers.Add(member);
        }
        return new CohortSnapshot(ranked.Length, n, cutOff, byDownloads, newMembers);
    }
}
