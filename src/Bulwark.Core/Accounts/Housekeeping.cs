namespace Bulwark.Core.Accounts;

/// <summary>
/// Lets clean-up ride along with ordinary writes, at most once per interval per process, so no
/// scheduler is needed and several instances at worst repeat an idempotent DELETE.
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
