using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// The server's own protected set and the typosquat check over it, built once and shared by every request (a
/// singleton): the critical projects first, then the administrators' additions (<see cref="ProtectedNameAddition"/>),
/// then this index's most-downloaded projects, then the operator's list file
/// (<see cref="TyposquatOptions.ProtectedListFile"/>); the administrators' allowed pairs (<see cref="AllowedNamePair"/>)
/// join the configured ones. Rebuilding costs a few hundred milliseconds for 15,000 names, so it happens only when
/// an input changed, and finding that out costs a creation no query: a change to the critical set or to the admins'
/// lists is written to the index journal under <see cref="ChangeMarker"/> in the same transaction, and reaches every
/// instance like any index change (at once in the process that made it, through the change signal on the same
/// machine, through the PostgreSQL notification or the journal poll elsewhere); the list file is checked by its
/// modification time (one stat); the download ranking, which moves with every download, is re-read after
/// <see cref="TyposquatOptions.RefreshMinutes"/>.
/// </summary>
public sealed class ServerProtectedNames
{
    /// <summary>
    /// The journal name under which a change of the critical set or of the admins' protected names or allowed pairs is
    /// recorded. It is not a valid project name (a leading hyphen), so it can never be a project's own entry.
    /// </summary>
    public const string ChangeMarker = "-protected-names-";

    /// <summary>The journal action of the marker entry written when projects become critical or stop being critical.</summary>
    public const string CriticalSetChanged = "critical set changed";

    private readonly IOptions<TyposquatOptions> options;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim _building = new(1, 1);
    private Snapshot? _current;

    /// <summary>The set over <paramref name="options"/>; with <paramref name="feed"/>, forgotten whenever the admins' lists change.</summary>
    public ServerProtectedNames(IOptions<TyposquatOptions> options, TimeProvider time, IndexChangeFeed? feed = null)
    {
        this.options = options;
        this.time = time;
        if (feed is not null)
        {
            // Subscribed for the process's lifetime (a singleton): the feed is told of local commits at once and of
            // other processes' commits by the journal poller, so no request has to ask the database whether the lists moved.
            feed.ProjectChanged += name =>
            {
                if (name == ChangeMarker) Invalidate();
            };
            feed.EverythingChanged += Invalidate;
        }
    }

    private long _generation;

    private sealed record Snapshot(TyposquatCheck Check, string Fingerprint, DateTimeOffset BuiltAt, long Generation);

    /// <summary>The check over the current protected set, rebuilt first when one of its inputs changed.</summary>
    public async Task<TyposquatCheck> GetAsync(BulwarkDbContext db, CancellationToken ct = default)
    {
        var fingerprint = Fingerprint();
        var refresh = TimeSpan.FromMinutes(options.Value.RefreshMinutes);
        if (_current is { } fresh && IsFresh(fresh, fingerprint, refresh))
        {
            return fresh.Check;
        }

        await _building.WaitAsync(ct);
        try
        {
            if (_current is { } built && IsFresh(built, fingerprint, refresh))
            {
                return built.Check;
            }

            // The generation is read before the lists are: a change announced while they are read leaves this snapshot
            // older than the generation, so the next use builds again instead of keeping what was read before the change.
            var generation = Interlocked.Read(ref _generation);
            var check = await BuildAsync(db, ct);
            _current = new Snapshot(check, fingerprint, time.GetUtcNow(), generation);
            return check;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <summary>Forgets the current set, so the next use rebuilds it (after the admin additions or the allow-list change).</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    private bool IsFresh(Snapshot snapshot, string fingerprint, TimeSpan refresh) =>
        snapshot.Generation == Interlocked.Read(ref _generation) && snapshot.Fingerprint == fingerprint && time.GetUtcNow() - snapshot.BuiltAt < refresh;

    private string Fingerprint()
    {
        var file = options.Value.ProtectedListFile;
        return string.IsNullOrWhiteSpace(file) || !File.Exists(file) ? "-" : File.GetLastWriteTimeUtc(file).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Builds a check over the server's protected set now, without the cache (the command-line verbs).</summary>
    public async Task<TyposquatCheck> BuildAsync(BulwarkDbContext db, CancellationToken ct = default)
    {
        var settings = options.Value;
        var pairs = await db.AllowedNamePairs.AsNoTracking().Select(p => new { p.Candidate, p.Protected }).ToListAsync(ct);
        return new TyposquatCheck(new ProtectedNames(await NamesAsync(db, settings, ct)), settings, pairs.Select(p => (p.Candidate, p.Protected)));
    }

    private async Task<List<string>> NamesAsync(BulwarkDbContext db, TyposquatOptions settings, CancellationToken ct)
    {
        // Rank order matters: a verdict names the highest-ranked protected name it resembles.
        var names = await db.Projects.AsNoTracking().Where(p => p.CriticalSince != null)
            .OrderBy(p => p.CriticalSince).Select(p => p.NormalizedName).ToListAsync(ct);
        // An admin's addition is a deliberate choice: ranked right after the critical projects.
        var additions = await db.ProtectedNameAdditions.AsNoTracking().Select(p => new { p.NormalizedName, p.AddedAt }).ToListAsync(ct);
        names.AddRange(additions.OrderBy(p => p.AddedAt).ThenBy(p => p.NormalizedName, StringComparer.Ordinal).Select(p => p.NormalizedName));
        if (settings.TopProjects > 0)
        {
            var since = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddDays(-30));
            var top = await db.DownloadCounts.AsNoTracking().Where(d => d.Day >= since)
                .GroupBy(d => d.ProjectId).Select(g => new { ProjectId = g.Key, Total = g.Sum(d => d.Count) })
                .OrderByDescending(g => g.Total).Take(settings.TopProjects)
                .Join(db.Projects, g => g.ProjectId, p => p.Id, (g, p) => new { p.NormalizedName, g.Total })
                .ToListAsync(ct);
            names.AddRange(top.OrderByDescending(t => t.Total).Select(t => t.NormalizedName));
        }

        if (!string.IsNullOrWhiteSpace(settings.ProtectedListFile))
        {
            // A missing or unreadable file is a configuration error the operator must see, not an empty list that
            // silently turns the check off: the exception fails the request that needed the set.
            names.AddRange(ProtectedNameList.Read(settings.ProtectedListFile, settings.ProtectedListLimit));
        }

        return names;
    }
}
