using System.Collections.Concurrent;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Index;

/// <summary>A committed journal entry: which project changed, under which serial.</summary>
public readonly record struct IndexChange(long JournalId, string ProjectName);

/// <summary>
/// Where committed index changes are announced: by <see cref="IndexChangePublisher"/> right after a local
/// transaction commits (before the write returns to its caller), and by the journal poller for changes other
/// processes made. Subscribers (page-cache generations, the root listing) must be quick and must not throw.
/// </summary>
public sealed class IndexChangeFeed
{
    private readonly ConcurrentDictionary<long, byte> _localIds = new();

    /// <summary>Raised once per changed project with its normalized name.</summary>
    public event Action<string>? ProjectChanged;

    /// <summary>Raised when changes were too many to name one by one: every cached page is suspect.</summary>
    public event Action? EverythingChanged;

    /// <summary>
    /// Set by a process that also polls the journal: it then remembers the ids it announced itself, so the
    /// poller does not announce them a second time (which would cost a needless render).
    /// </summary>
    public bool RemembersLocalChanges { get; set; }

    public void Publish(IEnumerable<IndexChange> changes, bool local)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (local && RemembersLocalChanges && change.JournalId > 0) _localIds.TryAdd(change.JournalId, 0);
            var normalized = ProjectName.Normalize(change.ProjectName);
            if (seen.Add(normalized)) ProjectChanged?.Invoke(normalized);
        }
    }

    public void PublishEverything() => EverythingChanged?.Invoke();

    /// <summary>Whether this process already announced the entry (then the poller skips it).</summary>
    public bool IsLocal(long journalId) => _localIds.ContainsKey(journalId);

    /// <summary>Forgets local ids at or below <paramref name="watermark"/>; the poller has passed them.</summary>
    public void ForgetLocalUpTo(long watermark)
    {
        foreach (var id in _localIds.Keys)
        {
            if (id <= watermark) _localIds.TryRemove(id, out _);
        }
    }
}
