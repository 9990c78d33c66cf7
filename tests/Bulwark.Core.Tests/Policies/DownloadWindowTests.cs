using Bulwark.Core.Policies;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Core.Tests.Policies;

public sealed class DownloadWindowTests
{
    [Fact]
    public void The_window_is_the_whole_days_before_today_in_utc()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero));
        var window = DownloadWindow.Ending(clock.GetUtcNow(), 180);
        Assert.Equal(new DateOnly(2025, 1, 2), window.From);
        Assert.Equal(new DateOnly(2025, 7, 1), window.To);
        Assert.Equal(180, window.Days);
        Assert.True(window.Contains(new DateOnly(2025, 1, 2)));   // first day in
        Assert.True(window.Contains(new DateOnly(2025, 6, 30)));  // yesterday in
        Assert.False(window.Contains(new DateOnly(2025, 7, 1)));  // today out: partial
        Assert.False(window.Contains(new DateOnly(2025, 1, 1)));  // 181 days ago out

        // The same window all day long; it moves at UTC midnight, not at local midnight.
        clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromTicks(1));
        Assert.Equal(window, DownloadWindow.Ending(clock.GetUtcNow(), 180));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new DownloadWindow(new DateOnly(2025, 1, 3), new DateOnly(2025, 7, 2)), DownloadWindow.Ending(clock.GetUtcNow(), 180));
    }

    [Fact]
    public void An_offset_time_is_read_in_utc()
    {
        // 01:30 on 1 July in UTC+02:00 is still 30 June in UTC.
        var window = DownloadWindow.Ending(new DateTimeOffset(2025, 7, 1, 1, 30, 0, TimeSpan.FromHours(2)), 1);
        Assert.Equal(new DownloadWindow(new DateOnly(2025, 6, 29), new DateOnly(2025, 6, 30)), window);
    }

    [Fact]
    public void Downloads_on_the_edges_decide_membership_the_way_the_window_says()
    {
        // Project 1 is downloaded only on the first day of the window, project 2 only today, project 3 only the day
        // before the window: only project 1 can qualify. 100 background projects make N = 1.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 7, 1, 12, 0, 0, TimeSpan.Zero));
        var window = DownloadWindow.Ending(clock.GetUtcNow(), 180);
        var history = new List<(long Project, DateOnly Day, long Count)>
        {
            (1, window.From, 50),
            (2, window.To, 5000),
            (3, window.From.AddDays(-1), 5000),
        };
        for (var i = 0; i < 99; i++) history.Add((100 + i, window.To.AddDays(-1), 1));

        var totals = history.Where(h => window.Contains(h.Day)).GroupBy(h => h.Project)
            .Select(g => new ProjectDownloads(g.Key, g.Sum(h => h.Count))).ToList();
        var snapshot = CriticalCohort.Compute(totals, 1m, 1, window, CohortState.Empty);
        Assert.Equal(100, snapshot.Population);
        Assert.Equal([1L], snapshot.NewMembers.Select(m => m.ProjectId));
    }

    [Fact]
    public void A_window_needs_at_least_one_day() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DownloadWindow.Ending(DateTimeOffset.UnixEpoch, 0));
}
