using System.Diagnostics;
using Bulwark.Core.Packaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Core.Index;

/// <summary>
/// The <c>/simple/</c> listing kept in memory and maintained incrementally: loaded once from the database,
/// then each announced change re-reads only the changed projects and re-renders only their segment. At
/// 700,000 projects a full render costs seconds and a 40 MB allocation; an update costs one indexed query and
/// a few kilobytes.
/// </summary>
/// <remarks>
/// Changes announced on <see cref="IndexChangeFeed"/> are queued; the next request applies the queue before
/// it answers, so a write that has returned is in the next listing served. Requests with nothing queued take
/// the current snapshot without locking.
/// </remarks>
public sealed class RootIndex
{
    private readonly IndexLookups _lookups;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _pendingLock = new();
    private HashSet<string> _pending = new(StringComparer.Ordinal);
    private bool _reload = true;
    private long _requested = 1;
    private long _applied;
    private RootSnapshot? _snapshot;
    private readonly ILogger _logger;

    public RootIndex(IndexLookups lookups, IndexChangeFeed feed, ILogger<RootIndex>? logger = null)
    {
        _lookups = lookups;
        _logger = logger ?? NullLogger<RootIndex>.Instance;
        feed.ProjectChanged += MarkChanged;
        feed.EverythingChanged += MarkAllChanged;
    }

    /// <summary>Full loads done (tests use it to prove updates are incremental).</summary>
    public int Loads { get; private set; }

    public void MarkChanged(string normalizedName)
    {
        lock (_pendingLock)
        {
            _pending.Add(normalizedName);
            _requested++;
        }
    }

    public void MarkAllChanged()
    {
        lock (_pendingLock)
        {
            _reload = true;
            _pending.Clear();
            _requested++;
        }
    }

    /// <summary>The listing with every change announced so far applied.</summary>
    public async ValueTask<RootSnapshot> GetAsync(CancellationToken ct)
    {
        // Order matters: the snapshot is published before _applied moves, so reading _applied first and the
        // snapshot second gives a snapshot at least that new; then nothing may have been requested since.
        var applied = Volatile.Read(ref _applied);
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null && Interlocked.Read(ref _requested) == applied) return snapshot;
        return await UpdateAsync(ct);
    }

    private async Task<RootSnapshot> UpdateAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        HashSet<string> names;
        bool reload;
        long target;
        lock (_pendingLock)
        {
            names = _pending;
            _pending = new HashSet<string>(StringComparer.Ordinal);
            reload = _reload || _snapshot is null;
            _reload = false;
            target = _requested;
        }
        try
        {
            // Changes are read after the queue was drained, so any change drained here is in what is read;
            // a later change queues again and makes the next request update once more.
            var next = reload ? await LoadAsync(ct) : names.Count > 0 ? await ApplyAsync(_snapshot!, names, ct) : _snapshot!;
            Volatile.Write(ref _snapshot, next);
            Interlocked.Exchange(ref _applied, target);
            return next;
        }
        catch
        {
            lock (_pendingLock)
            {
                _pending.UnionWith(names);
                _reload |= reload;
            }
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<RootSnapshot> LoadAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var serial = await _lookups.ReadGlobalSerialAsync(ct);
        var entries = new List<RootEntry>();
        await Task.Run(() =>
        {
            foreach (var p in _lookups.ReadListedProjects(ct)) entries.Add(Entry(p));
        }, ct);
        var read = clock.ElapsedMilliseconds;
        entries.Sort(ByName.Instance);
        var sorted = clock.ElapsedMilliseconds;
        var chunks = entries.Chunk(RootSegment.TargetSize).ToArray();
        var segments = new RootSegment[chunks.Length];
        Parallel.For(0, chunks.Length, i => segments[i] = RootSegment.Create(chunks[i]));
        Loads++;
        var snapshot = new RootSnapshot(segments, serial);
        _logger.LogInformation("Loaded the /simple/ listing: {Count} projects, {Bytes} bytes of HTML, in {Elapsed} ms (read {Read} ms, sort {Sort} ms, render {Render} ms).",
            snapshot.Count, snapshot.HtmlLength, clock.ElapsedMilliseconds, read, sorted - read, clock.ElapsedMilliseconds - sorted);
        return snapshot;
    }

    private async Task<RootSnapshot> ApplyAsync(RootSnapshot current, HashSet<string> names, CancellationToken ct)
    {
        var serial = await _lookups.ReadGlobalSerialAsync(ct);
        var rows = new Dictionary<string, ProjectListing>(StringComparer.Ordinal);
        foreach (var chunk in names.Chunk(500))
        {
            foreach (var row in await _lookups.ReadProjectsAsync(chunk, ct)) rows[row.NormalizedName] = row;
        }

        var segments = current.Segments.ToList();
        // Highest names first, so splitting or dropping a segment never shifts one still to be edited.
        foreach (var group in names.GroupBy(n => FindSegment(segments, n)).OrderByDescending(g => g.Key))
        {
            var list = group.Key >= 0 ? segments[group.Key].Entries.ToList() : [];
            foreach (var name in group)
            {
                var i = list.BinarySearch(new RootEntry("", name, 0), ByName.Instance);
                var listed = rows.TryGetValue(name, out var row) && row.Lifecycle != ProjectLifecycle.Quarantined;
                if (listed && i >= 0) list[i] = Entry(row!);
                else if (listed) list.Insert(~i, Entry(row!));
                else if (i >= 0) list.RemoveAt(i);
            }
            var replacement = list.Count <= 2 * RootSegment.TargetSize
                ? (list.Count == 0 ? [] : [RootSegment.Create([.. list])])
                : list.Chunk(RootSegment.TargetSize).Select(RootSegment.Create).ToList();
            if (group.Key >= 0) segments.RemoveAt(group.Key);
            segments.InsertRange(Math.Max(0, group.Key), replacement);
        }
        return new RootSnapshot([.. segments], serial);
    }

    /// <summary>The segment a name belongs in: the last one starting at or before it (the first for names before all).</summary>
    private static int FindSegment(List<RootSegment> segments, string name)
    {
        if (segments.Count == 0) return -1;
        int lo = 0, hi = segments.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (string.CompareOrdinal(segments[mid].First, name) <= 0) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    // Most display names equal the normalized name; sharing the string halves the memory of those entries.
    private static RootEntry Entry(ProjectListing p) =>
        new(p.Name == p.NormalizedName ? p.NormalizedName : p.Name, p.NormalizedName, p.LastSerial);

    private sealed class ByName : IComparer<RootEntry>
    {
        public static readonly ByName Instance = new();
        public int Compare(RootEntry a, RootEntry b) => string.CompareOrdinal(a.NormalizedName, b.NormalizedName);
    }
}
