using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.Throttling;

/// <summary>
/// Sliding-window limits on failed sign-ins and on password-reset requests, per account key, per client
/// network and index-wide.
/// </summary>
/// <remarks>
/// Attempts live in the database rather than in process memory: every server instance then enforces the
/// same counts, a restart does not hand an attacker a fresh budget, and no extra service (Redis) is needed.
/// The cost is a handful of indexed COUNT queries per sign-in and one row per failure — small next to the
/// Argon2 verification each sign-in already pays. Only failures are written, so ordinary traffic adds nothing.
///
/// Account keys are the login name as typed, whether or not an account has it: throttling an unknown name
/// exactly like a real one keeps a 429 from revealing which names exist.
/// </remarks>
public sealed class AuthThrottle(BulwarkDbContext db, ThrottleOptions options, TimeProvider time)
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);
    private static long _lastPruneTicks;

    private sealed record Rule(AuthAttemptKind Kind, ThrottleScope Scope, TimeSpan Window, int Limit);

    /// <summary>Lower-cases and trims what the user typed, so "Alice " and "alice" share a budget.</summary>
    public static string AccountKey(string login)
    {
        var key = login.Trim().ToLowerInvariant();
        return key.Length <= 254 ? key : key[..254];
    }

    public Task<ThrottleDecision> CheckLoginAsync(string login, string? ipAddress, CancellationToken ct = default) =>
        CheckAsync(LoginRules(), AccountKey(login), ClientNetwork.Of(ipAddress), ct);

    public Task RecordLoginFailureAsync(string login, string? ipAddress, CancellationToken ct = default) =>
        RecordAsync(AuthAttemptKind.LoginFailure, login, ipAddress, ct);

    public Task<ThrottleDecision> CheckPasswordResetAsync(string login, string? ipAddress, CancellationToken ct = default) =>
        CheckAsync(ResetRules(), AccountKey(login), ClientNetwork.Of(ipAddress), ct);

    public Task RecordPasswordResetAsync(string login, string? ipAddress, CancellationToken ct = default) =>
        RecordAsync(AuthAttemptKind.PasswordResetRequest, login, ipAddress, ct);

    /// <summary>
    /// Second-factor limits (5 / 5 min and 20 / h per account, 10 / 5 min per network). A 6-digit code has
    /// a million values; at 20 guesses an hour an attacker who has the password needs about 50,000 hours for
    /// an even chance. The account key is the user id, not a typed name: the password step already identified the account.
    /// </summary>
    public Task<ThrottleDecision> CheckSecondFactorAsync(long? userId, string? ipAddress, CancellationToken ct = default) =>
        CheckAsync(SecondFactorRules(userId is not null), SecondFactorKey(userId), ClientNetwork.Of(ipAddress), ct);

    public Task RecordSecondFactorFailureAsync(long? userId, string? ipAddress, CancellationToken ct = default) =>
        RecordAsync(AuthAttemptKind.SecondFactorFailure, SecondFactorKey(userId), ipAddress, ct);

    /// <summary>Passkey sign-ins that fail before an account is known count against the network only.</summary>
    private static string SecondFactorKey(long? userId) =>
        userId is { } id ? "user:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "anonymous";

    /// <summary>Deletes attempts older than the longest window; returns how many.</summary>
    public Task<int> PruneAsync(CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow() - Day;
        return db.AuthAttempts.Where(a => a.OccurredAt < cutoff).ExecuteDeleteAsync(ct);
    }

    private IEnumerable<Rule> LoginRules() =>
    [
        new(AuthAttemptKind.LoginFailure, ThrottleScope.Account, FiveMinutes, options.AccountFailuresPer5Minutes),
        new(AuthAttemptKind.LoginFailure, ThrottleScope.Account, Hour, options.AccountFailuresPerHour),
        new(AuthAttemptKind.LoginFailure, ThrottleScope.Network, FiveMinutes, options.NetworkFailuresPer5Minutes),
        new(AuthAttemptKind.LoginFailure, ThrottleScope.Global, FiveMinutes, options.GlobalFailuresPer5Minutes),
    ];

    private IEnumerable<Rule> SecondFactorRules(bool perAccount)
    {
        if (perAccount)
        {
            yield return new(AuthAttemptKind.SecondFactorFailure, ThrottleScope.Account, FiveMinutes, options.SecondFactorFailuresPerAccountPer5Minutes);
            yield return new(AuthAttemptKind.SecondFactorFailure, ThrottleScope.Account, Hour, options.SecondFactorFailuresPerAccountPerHour);
        }
        yield return new(AuthAttemptKind.SecondFactorFailure, ThrottleScope.Network, FiveMinutes, options.SecondFactorFailuresPerNetworkPer5Minutes);
    }

    private IEnumerable<Rule> ResetRules() =>
    [
        new(AuthAttemptKind.PasswordResetRequest, ThrottleScope.Account, Day, options.ResetRequestsPerAccountPerDay),
        new(AuthAttemptKind.PasswordResetRequest, ThrottleScope.Network, Hour, options.ResetRequestsPerNetworkPerHour),
    ];

    private async Task<ThrottleDecision> CheckAsync(IEnumerable<Rule> rules, string accountKey, string network, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var worst = ThrottleDecision.Allow;
        foreach (var rule in rules)
        {
            var since = now - rule.Window;
            var query = Matching(rule, accountKey, network).Where(a => a.OccurredAt > since);
            var count = await query.CountAsync(ct);
            if (count < rule.Limit) continue;
            // The window admits another attempt once enough of the oldest ones have aged out of it.
            var release = await query.OrderBy(a => a.OccurredAt).Skip(count - rule.Limit).Select(a => a.OccurredAt).FirstAsync(ct);
            var retry = release + rule.Window - now;
            if (worst.Allowed || retry > worst.RetryAfter)
            {
                worst = new ThrottleDecision(false, retry, rule.Scope, $"{rule.Limit} per {Describe(rule.Window)} per {rule.Scope.ToString().ToLowerInvariant()}");
            }
        }
        return worst;
    }

    private IQueryable<AuthAttempt> Matching(Rule rule, string accountKey, string network)
    {
        var attempts = db.AuthAttempts.Where(a => a.Kind == rule.Kind);
        return rule.Scope switch
        {
            ThrottleScope.Account => attempts.Where(a => a.AccountKey == accountKey),
            ThrottleScope.Network => attempts.Where(a => a.Network == network),
            _ => attempts,
        };
    }

    private async Task RecordAsync(AuthAttemptKind kind, string login, string? ipAddress, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        db.AuthAttempts.Add(new AuthAttempt { Kind = kind, AccountKey = AccountKey(login), Network = ClientNetwork.Of(ipAddress), OccurredAt = now });
        await db.SaveChangesAsync(ct);
        // Pruning rides along with writes, at most once a minute per process, so no scheduler is needed.
        var last = Interlocked.Read(ref _lastPruneTicks);
        if (now.UtcTicks - last >= PruneEvery.Ticks && Interlocked.CompareExchange(ref _lastPruneTicks, now.UtcTicks, last) == last)
        {
            await PruneAsync(ct);
        }
    }

    private static string Describe(TimeSpan window) => window == FiveMinutes ? "5 minutes" : window == Hour ? "hour" : "day";
}
