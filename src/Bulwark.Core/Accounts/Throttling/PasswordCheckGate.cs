namespace Bulwark.Core.Accounts.Throttling;

/// <summary>Who is asking for a password check, which decides how it waits for the hashing budget.</summary>
public enum PasswordCheckLane
{
    /// <summary>A browser the account does not know, without a proof of work: never waits.</summary>
    Unproven,
    /// <summary>A browser that solved a proof of work: waits its turn.</summary>
    Proven,
    /// <summary>The account's known browser, or a signed-in session confirming its password: has a slot of its own.</summary>
    Trusted,
}

/// <summary>
/// Bounds the password hashing a server does at once. Each check is an Argon2 derivation of about 64 MiB and a
/// few hundred milliseconds of a core; without a bound, a flood of sign-ins fills every core and the memory
/// with hashing (the counting limits bound guesses, not work), and pages stop answering.
/// </summary>
/// <remarks>
/// <para>Half the cores (at least one) may hash for anyone, plus one slot kept for the trusted lane, so the
/// owner's usual browser and signed-in sessions are never queued behind strangers.</para>
/// <para>Browsers without a proof of work never queue: they get a free slot at once or are asked for the proof.
/// And once checks have been queueing (contention in the last <see cref="ContentionMemory"/>), they also
/// need one of <see cref="ThrottleOptions.UnprovenChecksPerSecond"/> tokens. Sign-ins at a human pace never
/// meet the brake: one person after another never finds the slot taken, and two at once only spend a token.</para>
/// <para>A flood is told apart from a busy minute by how many were turned away: <see cref="FloodTurnAways"/>
/// in <see cref="FloodWindow"/> and the one before, and no browser without a proof is checked at all until it
/// has been quieter than that. A flood then costs the server no hashing whatever its size; the sign-in page's
/// script solves the proof by itself, so people with a browser barely notice.</para>
/// <para>Proven browsers queue for up to <see cref="WaitLimit"/>; their proof cost them the work, so a flood
/// of proven requests is paid for by the attacker.</para>
/// <para>Per process, in memory: it guards this process's cores.</para>
/// </remarks>
public sealed class PasswordCheckGate : IDisposable
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ContentionMemory = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan FloodWindow = TimeSpan.FromSeconds(10);
    public const int FloodTurnAways = 20;

    private readonly SemaphoreSlim _shared;
    private readonly SemaphoreSlim _trusted = new(1, 1);
    private readonly Lock _sync = new();
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly double _burst;
    private double _tokens;
    private long _refilledAt;
    private long _contendedAt = long.MinValue;
    private long _windowStart;
    private int _turnedAway;
    private int _turnedAwayBefore;

    public PasswordCheckGate(ThrottleOptions options, TimeProvider time, int? sharedSlots = null)
    {
        Slots = sharedSlots ?? Math.Max(1, Environment.ProcessorCount / 2);
        _shared = new SemaphoreSlim(Slots, Slots);
        _time = time;
        _rate = options.UnprovenChecksPerSecond;
        _burst = Math.Max(1, options.UnprovenChecksPerSecond * 3);
        _tokens = _burst;
        _refilledAt = _windowStart = time.GetUtcNow().UtcTicks;
    }

    /// <summary>Checks that may run at once for everyone (the trusted lane has one more).</summary>
    public int Slots { get; }

    /// <summary>Whether a browser without a proof would be turned away right now (no side effects).</summary>
    public bool TurnsAwayUnproven
    {
        get
        {
            lock (_sync) return WouldTurnAway(_time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>
    /// Turns a browser without a proof away now if <see cref="TurnsAwayUnproven"/> (and counts it towards
    /// telling a flood). The cheap first answer to a flood: no counting queries, no hashing.
    /// </summary>
    public bool TurnAwayUnproven()
    {
        lock (_sync)
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (!WouldTurnAway(now)) return false;
            NoteTurnedAway(now);
            return true;
        }
    }

    /// <summary>
    /// A slot for one password check, or null: an unproven browser that must bring a proof first, or a
    /// queue that did not move for <see cref="WaitLimit"/>. Dispose the lease when the check is done.
    /// </summary>
    public async Task<IDisposable?> EnterAsync(PasswordCheckLane lane, CancellationToken ct = default)
    {
        if (lane == PasswordCheckLane.Unproven) return TryEnterUnproven();
        if (lane == PasswordCheckLane.Trusted && _trusted.Wait(0, CancellationToken.None)) return new Lease(_trusted);
        if (_shared.Wait(0, CancellationToken.None)) return new Lease(_shared);
        lock (_sync) _contendedAt = _time.GetUtcNow().UtcTicks;
        return await _shared.WaitAsync(WaitLimit, ct) ? new Lease(_shared) : null;
    }

    /// <summary>
    /// Checks a password in the trusted lane (a signed-in session confirming it). Over-long input is refused
    /// before hashing. Waits as long as it takes: only holders of a session reach this lane, and their
    /// request ends with the client (<paramref name="ct"/>).
    /// </summary>
    public async Task<bool> VerifyTrustedAsync(Passwords.PasswordHasher hasher, string hash, string password, CancellationToken ct = default)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(password) > Passwords.PasswordHasher.MaxPasswordBytes) return false;
        while (true)
        {
            using var slot = await EnterAsync(PasswordCheckLane.Trusted, ct);
            if (slot is not null) return hasher.Verify(hash, password);
        }
    }

    private Lease? TryEnterUnproven()
    {
        lock (_sync)
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (_shared.CurrentCount == 0 || Flooded(now))
            {
                _contendedAt = now;
                NoteTurnedAway(now);
                return null;
            }
            if (Contended(now))
            {
                _tokens = Refilled(now);
                _refilledAt = now;
                if (_tokens < 1)
                {
                    NoteTurnedAway(now);
                    return null;
                }
                _tokens -= 1;
            }
            if (!_shared.Wait(0))
            {
                _contendedAt = now;
                NoteTurnedAway(now);
                return null;
            }
            return new Lease(_shared);
        }
    }

    private bool WouldTurnAway(long now) => _shared.CurrentCount == 0 || Flooded(now) || (Contended(now) && Refilled(now) < 1);

    private bool Flooded(long now)
    {
        Roll(now);
        return _turnedAway + _turnedAwayBefore >= FloodTurnAways;
    }

    private void NoteTurnedAway(long now)
    {
        Roll(now);
        _turnedAway++;
    }

    /// <summary>Moves the two counting windows along to <paramref name="now"/>.</summary>
    private void Roll(long now)
    {
        var elapsed = now - _windowStart;
        if (elapsed < FloodWindow.Ticks) return;
        _turnedAwayBefore = elapsed < 2 * FloodWindow.Ticks ? _turnedAway : 0;
        _turnedAway = 0;
        _windowStart = elapsed < 2 * FloodWindow.Ticks ? _windowStart + FloodWindow.Ticks : now;
    }

    private bool Contended(long now) => _contendedAt != long.MinValue && now - _contendedAt < ContentionMemory.Ticks;

    private double Refilled(long now) => Math.Min(_burst, _tokens + (now - _refilledAt) / (double)TimeSpan.TicksPerSecond * _rate);

    public void Dispose()
    {
        _shared.Dispose();
        _trusted.Dispose();
    }

    private sealed class Lease(SemaphoreSlim semaphore) : IDisposable
    {
        private SemaphoreSlim? _semaphore = semaphore;

        public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
    }
}
