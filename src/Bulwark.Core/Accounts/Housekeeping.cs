namespace Bulwark.Core.Accounts;

/// <summary>
/// Retention of account rows, and the once-per-interval gate for in-memory clean-up (the proof-of-work
/// spent set). Database rows are pruned by the host's housekeeping service, never inside a request.
/// </summary>
internal static class Housekeeping
{
    /// <summary>How long ended sessions and used or expired links are kept for investigation.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public static bool IsDue(ref long lastTicks, DateTimeOffset now, TimeSpan interval)
    {
        var last = Interlocked.Read(ref lastTicks);
        return Math.Abs(now.UtcTicks - last) >= interval.Ticks
            && Interlocked.CompareExchange(ref lastTicks, now.UtcTicks, last) == last;
    }
}
