using Bulwark.Core.Index;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>
/// Polls the journal for changes made by other processes. The first poll runs before the server accepts
/// requests (it fixes where reading starts, and subscribes the caches to the change feed), then one every
/// <see cref="IndexOptions.JournalPollInterval"/>. Processes on this machine also make the server poll before
/// its next request (<see cref="IndexFreshness"/>); the periodic poll is what servers on other machines rely on.
/// </summary>
public sealed class JournalPollingService(
    IndexFreshness freshness,
    IndexChangeFeed feed,
    IndexGenerations generations,
    RootIndex root,
    IOptions<IndexOptions> options,
    ILogger<JournalPollingService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving the generations and the root subscribes them to the feed before any request can cache a page.
        _ = (generations, root);
        feed.RemembersLocalChanges = true;
        await freshness.PollAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.WarmRootListing)
        {
            try
            {
                await root.GetAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Loading the /simple/ listing at start failed; the first request for it will retry.");
            }
        }

        // The system clock, not the injected domain clock: the interval is real time in this process. A fake
        // clock advanced by days (as tests do) would otherwise fire this timer millions of times in a row.
        using var timer = new PeriodicTimer(options.Value.JournalPollInterval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await freshness.PollAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A database hiccup: keep polling; the gap tracking and the watermark survive.
                    logger.LogWarning(e, "Reading the journal for index changes failed.");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
