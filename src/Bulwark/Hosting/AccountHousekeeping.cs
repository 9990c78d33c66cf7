using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.ScaleOut;

namespace Bulwark.Hosting;

/// <summary>What one pass of <see cref="AccountHousekeeping"/> deleted; null where that table was not due (or another instance took the run).</summary>
public sealed record HousekeepingSweep(int? AuthAttempts, int? Sessions, int? AccountTokens);

/// <summary>
/// Deletes account rows that can no longer matter: sign-in attempts older than the longest throttle window
/// (every <see cref="AttemptInterval"/>), sessions and e-mail links past their retention (every
/// <see cref="RetentionInterval"/>). This used to ride along with requests; here a request never waits for a
/// DELETE. Correctness never depends on it: every query checks windows and expiry itself, so a row left between
/// sweeps never counts. Each of the two runs is claimed first (<see cref="JobLeases"/>), as the critical
/// recompute is: several instances sharing a database run each one once per interval instead of all at once.
/// </summary>
public sealed class AccountHousekeeping(IServiceScopeFactory scopes, TimeProvider time, ILogger<AccountHousekeeping> logger) : BackgroundService
{
    /// <summary>How often old sign-in attempts are deleted: the table grows with every failed sign-in.</summary>
    public static readonly TimeSpan AttemptInterval = TimeSpan.FromMinutes(1);

    /// <summary>How often sessions and links past their 30-day retention are deleted.</summary>
    public static readonly TimeSpan RetentionInterval = TimeSpan.FromHours(1);

    /// <summary>The lease names of the two runs (rows in the job lease table).</summary>
    public const string AttemptsJob = "account-housekeeping-attempts";
    public const string RetentionJob = "account-housekeeping-retention";
    private int _completedSweeps;

    /// <summary>Passes that finished (successfully or not); lets tests wait for the schedule.</summary>
    internal int CompletedSweeps => Volatile.Read(ref _completedSweeps);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The timer runs on the host's clock, so a test's fake clock drives it.
        using var timer = new PeriodicTimer(AttemptInterval, time);
        try
        {
            // A first pass at start: a process restarted more often than hourly still prunes.
            do
            {
                await SweepOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepOnceAsync(CancellationToken ct)
    {
        try
        {
            var sweep = await SweepAsync(ct);
            if (sweep.AuthAttempts > 0 || sweep.Sessions > 0 || sweep.AccountTokens > 0)
            {
                logger.LogInformation("Housekeeping deleted {Attempts} sign-in attempts, {Sessions} sessions and {Tokens} e-mail links.",
                    sweep.AuthAttempts ?? 0, sweep.Sessions ?? 0, sweep.AccountTokens ?? 0);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Nothing is lost: the rows are still old at the next pass.
            logger.LogWarning(e, "Account housekeeping failed; it runs again in {Interval}.", AttemptInterval);
        }
        finally
        {
            Interlocked.Increment(ref _completedSweeps);
        }
    }

    /// <summary>
    /// One pass: old attempts when no instance pruned them within <see cref="AttemptInterval"/>, sessions and links
    /// when none did within <see cref="RetentionInterval"/>. The claims are in the database, so a restart does not
    /// repeat a run either.
    /// </summary>
    public async Task<HousekeepingSweep> SweepAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var leases = services.GetRequiredService<JobLeases>();
        int? attempts = await leases.TryClaimAsync(AttemptsJob, AttemptInterval, ct)
            ? await services.GetRequiredService<AuthThrottle>().PruneAsync(ct)
            : null;
        if (!await leases.TryClaimAsync(RetentionJob, RetentionInterval, ct)) return new(attempts, null, null);
        var sessions = await services.GetRequiredService<SessionService>().PruneAsync(ct);
        var tokens = await services.GetRequiredService<AccountTokenService>().PruneAsync(ct);
        return new(attempts, sessions, tokens);
    }
}
