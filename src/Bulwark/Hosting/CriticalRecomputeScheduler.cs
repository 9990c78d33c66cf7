using Bulwark.Core.Audit;
using Bulwark.Core.Policies;
using Bulwark.Core.ScaleOut;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>
/// Runs <see cref="CriticalRecompute"/> <see cref="CriticalProjectOptions.CriticalRecomputeFirstRunDelay"/> after
/// start and then every <see cref="CriticalProjectOptions.CriticalRecomputeInterval"/>. Every instance of a
/// scaled-out deployment keeps the schedule, but each run is claimed first (<see cref="JobLeases"/>), so it runs
/// on one instance per interval; the recompute's writes are serialized as well, for an admin verb running at
/// the same time.
/// </summary>
public sealed class CriticalRecomputeScheduler(
    IServiceScopeFactory scopes,
    IOptions<CriticalProjectOptions> options,
    TimeProvider time,
    ILogger<CriticalRecomputeScheduler> logger) : BackgroundService
{
    // Taken at construction, not in ExecuteAsync (which starts on another thread), so the first run is due a
    // fixed delay after the host was built.
    private readonly DateTimeOffset _createdAt = time.GetUtcNow();
    private int _completedRuns;

    /// <summary>The lease row's name.</summary>
    public const string JobName = "critical-recompute";

    /// <summary>Runs that finished (successfully or not); lets tests wait for the schedule.</summary>
    internal int CompletedRuns => Volatile.Read(ref _completedRuns);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.CriticalRecomputeInterval <= TimeSpan.Zero)
        {
            logger.LogInformation("The scheduled critical-project recompute is off (Bulwark:Policy:CriticalRecomputeInterval is 0).");
            return;
        }
        var due = _createdAt + o.CriticalRecomputeFirstRunDelay;
        try
        {
            while (true)
            {
                // Deadlines, not fixed sleeps: a run that takes long does not push every later run back.
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, stoppingToken);
                await RunOnceAsync(stoppingToken);
                due += o.CriticalRecomputeInterval;
                if (due <= time.GetUtcNow()) due = time.GetUtcNow() + o.CriticalRecomputeInterval;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (!await scope.ServiceProvider.GetRequiredService<JobLeases>().TryClaimAsync(JobName, options.Value.CriticalRecomputeInterval, ct))
            {
                logger.LogDebug("The critical-project recompute ran on another instance within the interval; skipped here.");
                return;
            }
            var result = await scope.ServiceProvider.GetRequiredService<CriticalRecompute>()
                .RunAsync(new Actor("system", "bulwark scheduled critical recompute"), ct);
            logger.LogInformation(
                "Critical-project recompute over {Window}: {Population} projects downloaded, top {Percent}% = {Target}, cut-off {CutOff}; " +
                "{Qualifying} qualify, {Marked} newly critical, {Notified} notified; aggregation {Aggregation} ms, total {Total} ms.",
                result.Window, result.Population, result.TopPercent, result.TargetSize, result.CutOff, result.QualifyingByDownloads,
                result.Marked.Count, result.Notified, (long)result.AggregationTime.TotalMilliseconds, (long)result.TotalTime.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The next run starts from the database again; nothing is carried over.
            logger.LogError(e, "The critical-project recompute failed; it runs again at the next interval.");
        }
        finally
        {
            Interlocked.Increment(ref _completedRuns);
        }
    }
}
