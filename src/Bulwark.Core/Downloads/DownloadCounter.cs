namespace Bulwark.Core.Downloads;

/// <summary>
/// Counts downloads in memory so that serving a file never waits for the database. Counts are per file and
/// per UTC day; <see cref="TakePending"/> hands the accumulated batch to a writer, and a batch that could not
/// be written is put back with <see cref="Restore"/>, so a database hiccup delays counts instead of losing them.
/// </summary>
public sealed class DownloadCounter(TimeProvider time)
{
    private readonly Lock _gate = new();
    private Dictionary<(long FileId, DateOnly Day), Pending> _pending = [];

    /// <summary>Counts one download of <paramref name="fileId"/> today (UTC).</summary>
    public void Record(long fileId, long projectId)
    {
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        // A plain dictionary under a lock: an uncontended lock costs nanoseconds, and unlike lock-free
        // tricks it cannot lose an increment that races with a flush swapping the table out.
        lock (_gate)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pending, (fileId, day), out _);
            slot = new Pending(projectId, slot.Count + 1);
        }
    }

    /// <summary>Removes and returns everything counted so far, ordered by key so concurrent writers lock rows in the same order.</summary>
    public IReadOnlyList<DownloadCount> TakePending()
    {
        Dictionary<(long, DateOnly), Pending> taken;
        lock (_gate)
        {
            if (_pending.Count == 0) return [];
            taken = _pending;
            _pending = [];
        }
        return taken
            .OrderBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2)
            .Select(kv => new DownloadCount { FileId = kv.Key.Item1, Day = kv.Key.Item2, ProjectId = kv.Value.ProjectId, Count = kv.Value.Count })
            .ToList();
    }

    /// <summary>Adds back a batch that was taken but not written.</summary>
    public void Restore(IEnumerable<DownloadCount> batch)
    {
        lock (_gate)
        {
            foreach (var c in batch)
            {
                ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pending, (c.FileId, c.Day), out _);
                slot = new Pending(c.ProjectId, slot.Count + c.Count);
            }
        }
    }

    /// <summary>How many distinct (file, day) counters are waiting to be written.</summary>
    public int PendingCount
    {
        get { lock (_gate) return _pending.Count; }
    }

    private readonly record struct Pending(long ProjectId, long Count);
}
