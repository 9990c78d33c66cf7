namespace Bulwark.Core.Index;

/// <summary>
/// Learns of index changes that other processes committed (the admin CLI, other server instances) by reading
/// the journal tail, and announces them on <see cref="IndexChangeFeed"/>. Run every few hundred milliseconds
/// by the host; <see cref="PollOnceAsync"/> is also what tests call to make a poll happen now.
/// </summary>
/// <remarks>
/// Journal ids are handed out when a row is inserted but become visible at commit, and on PostgreSQL two
/// transactions can commit out of order: id 11 may be visible while id 10 is not yet. Reading only "above the
/// highest id seen" would then skip 10 for good. Ids missing below the highest one seen are therefore kept as
/// gaps and asked for again on every poll until they appear or <see cref="GapTimeout"/> passes (a rolled-back
/// transaction leaves a permanent gap). A transaction that keeps a journal id uncommitted for longer than that
/// is not guaranteed to be noticed.
/// </remarks>
public sealed class JournalPoller(IndexLookups lookups, IndexChangeFeed feed, TimeProvider time)
{
    /// <summary>Entries read per query; a larger backlog is read in several queries of one poll.</summary>
    public const int PageSize = 2000;

    /// <summary>More changes than this in one poll (a bulk import, a long outage) invalidate everything instead.</summary>
    public const int FloodThreshold = 50_000;

    /// <summary>How far below the newest id missing ids are looked for when polling starts.</summary>
    private const int StartWindow = 1000;

    private const int MaxGaps = 10_000;

    private readonly Dictionary<long, DateTimeOffset> _gaps = [];
    private readonly SemaphoreSlim _polling = new(1, 1);
    private long _watermark = -1;

    public TimeSpan GapTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The highest journal id read so far (-1 before the first poll).</summary>
    public long Watermark => Interlocked.Read(ref _watermark);

    /// <summary>Reads what committed since the last poll and announces it. Returns the number of entries announced.</summary>
    public async Task<int> PollOnceAsync(CancellationToken ct)
    {
        await _polling.WaitAsync(ct);
        using var timer = Observability.BulwarkMetrics.TimeJob("journal_poll");
        try
        {
            if (_watermark < 0)
            {
                await StartAsync(ct);
                return 0;
            }

            var announced = new List<IndexChange>();
            var watermark = _watermark;
            while (true)
            {
                var page = await lookups.ReadJournalAfterAsync(watermark, PageSize, ct);
                foreach (var entry in page)
                {
                    for (var missing = watermark + 1; missing < entry.JournalId; missing++) AddGap(missing);
                    watermark = entry.JournalId;
                    if (!feed.IsLocal(entry.JournalId)) announced.Add(entry);
                }
                if (page.Count < PageSize) break;
                if (announced.Count > FloodThreshold)
                {
                    // Too much to apply entry by entry: start over from the current end with everything invalid.
                    _gaps.Clear();
                    _watermark = -1;
                    await StartAsync(ct);
                    feed.PublishEverything();
                    return announced.Count;
                }
            }

            if (_gaps.Count > 0)
            {
                var now = time.GetUtcNow();
                foreach (var expired in _gaps.Where(g => now - g.Value > GapTimeout).Select(g => g.Key).ToList()) _gaps.Remove(expired);
                foreach (var chunk in _gaps.Keys.Order().Chunk(500))
                {
                    foreach (var entry in await lookups.ReadJournalEntriesAsync(chunk, ct))
                    {
                        _gaps.Remove(entry.JournalId);
                        if (!feed.IsLocal(entry.JournalId)) announced.Add(entry);
                    }
                }
            }

            Interlocked.Exchange(ref _watermark, watermark);
            if (announced.Count > 0) feed.Publish(announced, local: false);
            feed.ForgetLocalUpTo(_gaps.Count == 0 ? watermark : Math.Min(watermark, _gaps.Keys.Min() - 1));
            return announced.Count;
        }
        finally
        {
            _polling.Release();
        }
    }

    /// <summary>
    /// Starts at the current end of the journal. Nothing before it needs announcing (nothing was cached
    /// before this process started), except entries still uncommitted now: ids missing just below the end
    /// are watched as gaps.
    /// </summary>
    private async Task StartAsync(CancellationToken ct)
    {
        var max = await lookups.ReadGlobalSerialAsync(ct);
        var from = Math.Max(0, max - StartWindow);
        var present = new HashSet<long>();
        var cursor = from;
        while (true)
        {
            var page = await lookups.ReadJournalAfterAsync(cursor, PageSize, ct);
            foreach (var e in page) present.Add(e.JournalId);
            if (page.Count < PageSize) break;
            cursor = page[^1].JournalId;
        }
        for (var id = from + 1; id <= max; id++)
        {
            if (!present.Contains(id)) AddGap(id);
        }
        Interlocked.Exchange(ref _watermark, max);
    }

    private void AddGap(long id)
    {
        if (_gaps.Count < MaxGaps) _gaps.TryAdd(id, time.GetUtcNow());
    }
}
