using System.Collections.Concurrent;

namespace Bulwark.Core.Accounts.Throttling;

/// <summary>
/// Decides when a tripped limit is written to the audit log: when it starts to apply to a key (an account,
/// a network, the index, a browser), and again every <see cref="Interval"/> while it lasts.
/// </summary>
/// <remarks>
/// Auditing every refused request would let a flood of a thousand requests a second write a thousand audit
/// rows a second: the audit table would become the attack's amplifier and bury the events that matter. One
/// row per limit and key per interval still shows when each trip began, what it was about and that it went
/// on. Per process: with several instances, each records its own trips.
/// </remarks>
public sealed class ThrottleTrips(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, long> _recorded = new(StringComparer.Ordinal);

    /// <summary>True when this trip should be audited now (and notes that it is).</summary>
    public bool ShouldRecord(string limit, string key)
    {
        var now = time.GetUtcNow().UtcTicks;
        var id = limit + "\n" + key;
        if (_recorded.Count > PruneAbove)
        {
            foreach (var (k, at) in _recorded)
            {
                if (now - at >= Interval.Ticks) _recorded.TryRemove(k, out _);
            }
        }
        while (true)
        {
            if (!_recorded.TryGetValue(id, out var last))
            {
                if (_recorded.TryAdd(id, now)) return true;
                continue;
            }
            if (now - last < Interval.Ticks) return false;
            if (_recorded.TryUpdate(id, now, last)) return true;
        }
    }
}
