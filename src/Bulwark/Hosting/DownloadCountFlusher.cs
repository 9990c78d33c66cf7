using Bulwark.Core.Downloads;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>
/// Writes the in-memory download counts every <see cref="DownloadCountOptions.FlushInterval"/> and once more
/// when the host stops. Also callable directly (<see cref="FlushAsync"/>), which tests and admin verbs use.
/// </summary>
public sealed class DownloadCountFlusher(
    DownloadCounter counter,
    IServiceScopeFactory scopes,
    IOptions<DownloadCountOptions> options,
    ILogger<DownloadCountFlusher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Writes everything counted so far. A failed batch goes back into the counter for the next attempt.</summary>
    public async Task<int> FlushAsync(CancellationToken ct = default)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            var batch = counter.TakePending();
            if (batch.Count == 0) return 0;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DownloadCountWriter>().WriteAsync(batch, ct);
                return batch.Count;
            }
            catch (Exception e)
            {
                counter.Restore(batch);
                logger.LogWarning(e, "Writing {Count} download counters failed; they are kept for the next flush.", batch.Count);
                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The system clock, not the injected domain clock (which dates the counts): the interval is real time in
        // this process, and a fake clock advanced by days in a test would fire it hundreds of thousands of times.
        using var timer = new PeriodicTimer(options.Value.FlushInterval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Logged in FlushAsync; keep the loop alive.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Download counts could not be written at shutdown; {Count} counters are lost.", counter.PendingCount);
        }
    }
}
