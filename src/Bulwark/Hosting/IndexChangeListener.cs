using System.Threading.Channels;
using Bulwark.Core.Index;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bulwark.Hosting;

/// <summary>
/// On PostgreSQL, hears the <c>NOTIFY</c> that every index writer sends inside its transaction
/// (<see cref="IndexChangePublisher"/>) and reads the journal at once, so an upload or a yank on another
/// instance shows here within a round trip or two instead of after the next periodic poll.
/// </summary>
/// <remarks>
/// The notification only says "the journal grew": what changed is read from the journal by the same poller as
/// always (with its gap tracking), so a lost notification costs nothing but time, and the periodic poll
/// (<see cref="JournalPollingService"/>) stays as the fallback for a broken connection. Notifications that
/// arrive while a poll runs are folded into one more poll. This process's own notifications are skipped: it
/// announced those changes before its write returned. After a (re)connect the journal is read once, for what
/// committed while nobody listened. SQLite has no notifications; there the signal file and the poll remain.
/// </remarks>
public sealed class IndexChangeListener(
    IndexFreshness freshness,
    IndexChangePublisher publisher,
    IOptions<BulwarkOptions> options,
    IConfiguration configuration,
    ILogger<IndexChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private long _heard;

    /// <summary>Notifications from other instances heard so far (for tests and diagnostics).</summary>
    public long Heard => Interlocked.Read(ref _heard);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Database != DatabaseKind.Postgres) return;
        var polling = PollOnWakeAsync(stoppingToken);
        // Its own connection, outside the pool: LISTEN is per session, and a pooled connection is reset when
        // returned. Keepalives make a silently dropped connection fail instead of waiting forever.
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Bulwark")) { Pooling = false, KeepAlive = 15 }.ConnectionString;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ListenAsync(connectionString, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Listening for index changes on PostgreSQL failed; retrying in {Delay}. Until then other instances' changes show after the periodic journal poll.", RetryAfter);
                    await Task.Delay(RetryAfter, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        _wake.Writer.TryComplete();
        await polling;
    }

    private async Task ListenAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        connection.Notification += (_, e) =>
        {
            if (e.Payload == publisher.InstanceId) return;
            Interlocked.Increment(ref _heard);
            _wake.Writer.TryWrite(true);
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {IndexChangePublisher.Channel}", connection)) await listen.ExecuteNonQueryAsync(ct);
        _wake.Writer.TryWrite(true);
        while (true) await connection.WaitAsync(ct);
    }

    private async Task PollOnWakeAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var _ in _wake.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await freshness.PollAsync(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Reading the journal after a change notification failed; the periodic poll retries.");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
