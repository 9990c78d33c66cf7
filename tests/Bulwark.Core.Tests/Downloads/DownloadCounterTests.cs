using Bulwark.Core.Downloads;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Core.Tests.Downloads;

public class DownloadCounterTests
{
    [Fact]
    public void Counts_per_file_and_utc_day_and_hands_them_over_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 30, 18, 30, 0, TimeSpan.FromHours(-5)));
        var counter = new DownloadCounter(clock);
        counter.Record(1, 10);
        counter.Record(1, 10);
        counter.Record(2, 10);
        clock.Advance(TimeSpan.FromHours(1));
        counter.Record(1, 10);

        // 18:30 at -05:00 is 23:30 UTC; an hour later it is the next day in UTC, still June 30 locally.
        var batch = counter.TakePending();
        Assert.Equal(
            [(1L, new DateOnly(2025, 6, 30), 2L), (1L, new DateOnly(2025, 7, 1), 1L), (2L, new DateOnly(2025, 6, 30), 1L)],
            batch.Select(c => (c.FileId, c.Day, c.Count)));
        Assert.All(batch, c => Assert.Equal(10, c.ProjectId));
        Assert.Empty(counter.TakePending());
    }

    [Fact]
    public void A_restored_batch_merges_with_new_counts()
    {
        var counter = new DownloadCounter(new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero)));
        counter.Record(5, 1);
        var failed = counter.TakePending();
        counter.Record(5, 1);
        counter.Restore(failed);
        Assert.Equal(2, counter.TakePending().Single().Count);
    }

    [Fact]
    public async Task Concurrent_records_are_never_lost_across_takes()
    {
        var counter = new DownloadCounter(new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero)));
        long taken = 0;
        using var stop = new CancellationTokenSource();
        var drainer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Add(ref taken, counter.TakePending().Sum(c => c.Count));
                await Task.Yield();
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++) counter.Record(i % 7, 1);
        })));
        await stop.CancelAsync();
        await drainer;
        taken += counter.TakePending().Sum(c => c.Count);
        Assert.Equal(200_000, taken);
    }
}
