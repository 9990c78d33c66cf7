using Bulwark.Core.Uploads;

namespace Bulwark.Hosting;

/// <summary>
/// Runs <see cref="UploadLeftovers"/> once before the server takes requests, so what a crashed or killed
/// process left in the data directory is gone at start-up, and then every hour for what a long-running
/// process accumulates (a sweep only takes files older than <see cref="UploadLeftovers.StaleAfter"/>).
/// </summary>
public sealed class UploadLeftoverSweeper(IServiceScopeFactory scopes, ILogger<UploadLeftoverSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await SweepAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await SweepAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var swept = await scope.ServiceProvider.GetRequiredService<UploadLeftovers>().SweepAsync(ct);
            if (swept.TempFiles > 0)
            {
                logger.LogInformation("Removed {TempFiles} abandoned upload temp files and {Blobs} blobs no file row uses.", swept.TempFiles, swept.Blobs);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Leftovers cost disk space, not correctness: the next sweep tries again.
            logger.LogWarning(e, "Sweeping abandoned upload files failed.");
        }
    }
}
