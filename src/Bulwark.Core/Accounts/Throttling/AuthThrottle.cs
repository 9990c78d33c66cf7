using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.Throttling;

/// <summary>
/// Sliding-window limits on failed sign-ins and on password-reset requests, per account key, per client
/// network and index-wide, plus the own budgets of known browsers and signed-in sessions.
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

    /// <summary>
    /// The most the proof of work grows during an attack: 16 times the base work (with the default 18 bits,
    /// 2^22 hashes, a few seconds for a browser). More would start to lock out people on slow phones.
    /// </summary>
    public const int MaxExtraBits = 4;

    private sealed record Rule(AuthAttemptKind Kind, ThrottleScope Scope, TimeSpan Window, int Limit);

    /// <summary>Lower-cases and trims what the user typed, so "Alice " and "alice" share a budget.</summary>
    public static string AccountKey(string login)
    {
        var key = login.Trim().ToLowerInvariant();
        return key.Length <= 254 ? key : key[..254];
    }

    /// <summary>
    /// The password sign-in limits for a browser the account does not know. The caller decides what each
    /// means: the network limit refuses that network only (429); the account and index limits ask for more
    /// proof instead of refusing, so that an attacker cannot use them to lock anyone out.
    /// </summary>
    public async Task<LoginLimits> CheckLoginLimitsAsync(string login, string? ipAddress, CancellationToken ct = default)
    {
        var key = AccountKey(login);
        var network = ClientNetwork.Of(ipAddress);
        var (byNetwork, _) = await CheckAsync(NetworkLoginRules(), key, network, ct);
        var (byAccount, accountLoad) = await CheckAsync(AccountLoginRules(), key, network, ct);
        var (byIndex, indexLoad) = await CheckAsync(IndexLoginRules(), key, network, ct);
        return new LoginLimits(byNetwork, byAccount, byIndex, Math.Min(MaxExtraBits, ExtraBits(accountLoad) + ExtraBits(indexLoad)));
    }

    /// <summary>Records a failed password sign-in (per typed name, network and index-wide).</summary>
    public Task RecordLoginFailureAsync(string login, string? ipAddress, CancellationToken ct = default) =>
        RecordAsync([(AuthAttemptKind.LoginFailure, AccountKey(login))], ipAddress, ct);

    /// <summary>
    /// A known browser's own budget (10 / 5 min and 20 / day by default). Within it the browser is judged on
    /// nothing else, so floods against the account or the index do not reach the owner's usual browser. A
    /// copied device cookie is worth at most this many guesses a day before it counts as a stranger again.
    /// </summary>
    public async Task<ThrottleDecision> CheckKnownDeviceAsync(long userId, string deviceCookie, CancellationToken ct = default) =>
        (await CheckAsync(KnownDeviceRules(), DeviceKey(userId, deviceCookie), "", ct)).Decision;

    /// <summary>A failed sign-in from a known browser: counts everywhere a failure counts, and for that browser.</summary>
    public Task RecordKnownDeviceFailureAsync(string login, long userId, string deviceCookie, string? ipAddress, CancellationToken ct = default) =>
        RecordAsync([(AuthAttemptKind.LoginFailure, AccountKey(login)), (AuthAttemptKind.KnownDeviceFailure, DeviceKey(userId, deviceCookie))], ipAddress, ct);

    /// <summary>
    /// A signed-in session confirming its password (step-up, password change) is judged on its own budget
    /// (the per-account numbers), not on the account-wide counters: otherwise a flood of wrong passwords
    /// against the account would stop its owner's own session from confirming anything.
    /// </summary>
    public async Task<ThrottleDecision> CheckSessionPasswordAsync(long sessionId, CancellationToken ct = default) =>
        (await CheckAsync(SessionPasswordRules(), SessionKey(sessionId), "", ct)).Decision;

    /// <summary>A wrong password in a session: counts for the account as a failed sign-in, and for the session.</summary>
    public Task RecordSessionPasswordFailureAsync(string login, long sessionId, string? ipAddress, CancellationToken ct = default) =>
        RecordAsync([(AuthAttemptKind.LoginFailure, AccountKey(login)), (AuthAttemptKind.SessionPasswordFailure, SessionKey(sessionId))], ipAddress, ct);

    /// <summary>
    /// Reset requests: per entered value a day and per network an hour. <paramref name="knownBrowser"/>: the request
    /// comes from a browser the account knows (a valid device cookie), which is judged by its network's limit only.
    /// Why: the per-account limit protects the owner's mailbox, but anyone can use it up by asking for resets in the
    /// owner's name, and would then deny the owner a reset for a day; the owner's own browser must not be refused
    /// by requests it did not make (the sign-in limits treat it the same way).
    /// </summary>
    public async Task<ThrottleDecision> CheckPasswordResetAsync(string login, string? ipAddress, bool knownBrowser = false, CancellationToken ct = default) =>
        (await CheckAsync(knownBrowser ? ResetRules().Where(r => r.Scope != ThrottleScope.Account) : ResetRules(), AccountKey(login), ClientNetwork.Of(ipAddress), ct)).Decision;

    public Task RecordPasswordResetAsync(string login, string? ipAddress, CancellationToken ct = default) =>
        RecordAsync([(AuthAttemptKind.PasswordResetRequest, AccountKey(login))], ipAddress, ct);

    /// <summary>Sign-ups per network an hour (see <see cref="ThrottleOptions.RegistrationsPerNetworkPerHour"/>).</summary>
    public async Task<ThrottleDecision> CheckRegistrationAsync(string? ipAddress, CancellationToken ct = default) =>
        (await CheckAsync([new(AuthAttemptKind.Registration, ThrottleScope.Network, Hour, options.RegistrationsPerNetworkPerHour)], "", ClientNetwork.Of(ipAddress), ct)).Decision;

    public Task RecordRegistrationAsync(string? ipAddress, CancellationToken ct = default) =>
        RecordAsync([(AuthAttemptKind.Registration, "")], ipAddress, ct);

    /// <summary>
    /// Second-factor limits (5 / 5 min and 20 / h per account, 10 / 5 min per network). A 6-digit code has
    /// a million values; at 20 guesses an hour an attacker who has the password needs about 50,000 hours for
    /// an even chance. The account key is the user id, not a typed name: the password step already identified the account.
    /// </summary>
    public async Task<ThrottleDecision> CheckSecondFactorAsync(long? userId, string? ipAddress, CancellationToken ct = default) =>
        (await CheckAsync(SecondFactorRules(userId is not null), SecondFactorKey(userId), ClientNetwork.Of(ipAddress), ct)).Decision;

    public Task RecordSecondFactorFailureAsync(long? userId, string? ipAddress, CancellationToken ct = default) =>
        RecordAsync([(AuthAttemptKind.SecondFactorFailure, SecondFactorKey(userId))], ipAddress, ct);

    /// <summary>Passkey sign-ins that fail before an account is known count against the network only.</summary>
    private static string SecondFactorKey(long? userId) =>
        userId is { } id ? "user:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "anonymous";

    /// <summary>
    /// Deletes attempts older than the longest window; returns how many. Run by the housekeeping service; every
    /// count reads its own window, so attempts older than it never count whether or not they were deleted yet.
    /// </summary>
    public Task<int> PruneAsync(CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow() - Day;
        return db.AuthAttempts.Where(a => a.OccurredAt < cutoff).ExecuteDeleteAsync(ct);
    }

    private IEnumerable<Rule> NetworkLoginRules() =>
        [new(AuthAttemptKind.LoginFailure, ThrottleScope.Network, FiveMinutes, options.NetworkFailuresPer5Minutes)];

    private IEnumerable<Rule> AccountLoginRules() =>
    [
        new(AuthAttemptKind.LoginFailure, ThrottleScope.Account, FiveMinutes, options.AccountFailuresPer5Minutes),
        new(AuthAttemptKind.LoginFailure, ThrottleScope.Account, Hour, options.AccountFailuresPerHour),
    ];

    private IEnumerable<Rule> IndexLoginRules() =>
        [new(AuthAttemptKind.LoginFailure, ThrottleScope.Global, FiveMinutes, options.GlobalFailuresPer5Minutes)];

    private IEnumerable<Rule> KnownDeviceRules() =>
    [
        new(AuthAttemptKind.KnownDeviceFailure, ThrottleScope.Device, FiveMinutes, options.KnownDeviceFailuresPer5Minutes),
        new(AuthAttemptKind.KnownDeviceFailure, ThrottleScope.Device, Day, options.KnownDeviceFailuresPerDay),
    ];

    private IEnumerable<Rule> SessionPasswordRules() =>
    [
        new(AuthAttemptKind.SessionPasswordFailure, ThrottleScope.Session, FiveMinutes, options.AccountFailuresPer5Minutes),
        new(AuthAttemptKind.SessionPasswordFailure, ThrottleScope.Session, Hour, options.AccountFailuresPerHour),
    ];

    /// <summary>
    /// Extra proof-of-work bits for how far past its limit a counter is: one at the limit, one more for each
    /// doubling beyond it, so the price of guessing rises with the attack.
    /// </summary>
    private static int ExtraBits(double load) => load < 1 ? 0 : 1 + (int)Math.Floor(Math.Log2(load));

    private static string DeviceKey(long userId, string deviceCookie)
    {
        // Not the hash the known-device table stores: the two tables cannot be joined on it.
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("bulwark device budget\n" + deviceCookie));
        return "device:" + userId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + Convert.ToHexStringLower(digest, 0, 16);
    }

    private static string SessionKey(long sessionId) => "session:" + sessionId.ToString(System.Globalization.CultureInfo.InvariantCulture);

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

    /// <summary>The most restrictive rule's decision, and the highest count-to-limit ratio among the rules.</summary>
    private async Task<(ThrottleDecision Decision, double Load)> CheckAsync(IEnumerable<Rule> rules, string accountKey, string network, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var worst = ThrottleDecision.Allow;
        var load = 0.0;
        foreach (var rule in rules)
        {
            var since = now - rule.Window;
            var query = Matching(rule, accountKey, network).Where(a => a.OccurredAt > since);
            var count = await query.CountAsync(ct);
            load = Math.Max(load, count / (double)rule.Limit);
            if (count < rule.Limit) continue;
            // The window admits another attempt once enough of the oldest ones have aged out of it.
            var release = await query.OrderBy(a => a.OccurredAt).Skip(count - rule.Limit).Select(a => a.OccurredAt).FirstAsync(ct);
            var retry = release + rule.Window - now;
            if (worst.Allowed || retry > worst.RetryAfter)
            {
                worst = new ThrottleDecision(false, retry, rule.Scope, $"{rule.Limit} per {Describe(rule.Window)} per {rule.Scope.ToString().ToLowerInvariant()}");
            }
        }
        return (worst, load);
    }

    private IQueryable<AuthAttempt> Matching(Rule rule, string accountKey, string network)
    {
        var attempts = db.AuthAttempts.Where(a => a.Kind == rule.Kind);
        return rule.Scope switch
        {
            ThrottleScope.Account or ThrottleScope.Device or ThrottleScope.Session => attempts.Where(a => a.AccountKey == accountKey),
            ThrottleScope.Network => attempts.Where(a => a.Network == network),
            _ => attempts,
        };
    }

    private async Task RecordAsync(IEnumerable<(AuthAttemptKind Kind, string Key)> attempts, string? ipAddress, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var network = ClientNetwork.Of(ipAddress);
        foreach (var (kind, key) in attempts)
        {
            db.AuthAttempts.Add(new AuthAttempt { Kind = kind, AccountKey = key, Network = network, OccurredAt = now });
        }
        await db.SaveChangesAsync(ct);
    }

    private static string Describe(TimeSpan window) => window == FiveMinutes ? "5 minutes" : window == Hour ? "hour" : "day";
}

/// <summary>What the password sign-in limits say about one attempt from a browser the account does not know.</summary>
/// <param name="ExtraBits">How much harder the proof of work gets, from how far past their limits the account and index counters are.</param>
public sealed record LoginLimits(ThrottleDecision Network, ThrottleDecision Account, ThrottleDecision Index, int ExtraBits)
{
    /// <summary>Too many failures for this typed name: a right password then continues only by e-mailed link.</summary>
    public bool AccountTripped => !Account.Allowed;

    /// <summary>Too many failures across the index: unknown browsers prove work before their password is checked.</summary>
    public bool IndexTripped => !Index.Allowed;
}
