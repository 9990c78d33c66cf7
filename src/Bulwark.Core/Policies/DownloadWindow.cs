namespace Bulwark.Core.Policies;

/// <summary>
/// A half-open range of UTC days, <c>[From, To)</c>, over which downloads are summed.
/// </summary>
public readonly record struct DownloadWindow(DateOnly From, DateOnly To)
{
    /// <summary>
    /// The <paramref name="days"/> complete UTC days before the day of <paramref name="now"/>. Today is left
    /// out on purpose: its counts are partial and still being flushed, so including it would make the
    /// result depend on the hour the job runs, and two runs on the same day could disagree.
    /// </summary>
    public static DownloadWindow Ending(DateTimeOffset now, int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return new DownloadWindow(today.AddDays(-days), today);
    }

    public int Days => To.DayNumber - From.DayNumber;

    public bool Contains(DateOnly day) => day >= From && day < To;

    public override string ToString() => $"{From:yyyy-MM-dd} to {To.AddDays(-1):yyyy-MM-dd} ({Days} UTC days)";
}
