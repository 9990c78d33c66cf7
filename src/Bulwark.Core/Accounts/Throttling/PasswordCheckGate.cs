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
/// need one of <see cref="ThrottleOptions.UnprovenChecksPerSecond"/> tokens. A flood then costs the server
/// about that many hashes a second whatever its size, while sign-ins at a human pace never meet the brake:
/// one person after another never finds the slot taken.</para>
/// <para>Proven browsers queue for up to <see cref="WaitLimit"/>; their proof cost them the work, so a flood
/// of proven requests is paid for by the attacker.</para>
/// <para>Per process, in memory: it guards this process's cores.</para>
/// </remarks>
public sealed class PasswordCheckGate : IDisposable
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ContentionMemory = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _shared;
    private readonly SemaphoreSlim _trusted = new(1, 1);
    private readonly Lock _sync = new();
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly double _burst;
    private double _tokens;
    private long _refilledAt;
    private long _contendedAt = long.MinValue;

    public PasswordCheckGate(ThrottleOptions options, TimeProvider time, int? sharedSlots = null)
    {
        Slots = sharedSlots ?? Math.Max(1, Environment.ProcessorCount / 2);
        _shared = new SemaphoreSlim(Slots, Slots);
        _time = time;
        _rate = options.UnprovenChecksPerSecond;
        _burst = Math.Max(1, options.UnprovenChecksPerSecond * 3);
        _tokens = _burst;
        _refilledAt = time.GetUtcNow().UtcTicks;
    }

    /// <summary>Checks that may run at once for everyone (the trusted lane has one more).</summary>
    public int Slots { get; }

    /// <summary>Whether a browser without a proof would be turned away right now (no side effects).</summary>
    public bool TurnsAwayUnproven
    {
        get
        {
            lock (_sync)
            {
                var now = _time.GetUtcNow().UtcTicks;
                return _shared.CurrentCount == 0 || (Contended(now) && Refilled(now) < 1);
            }
        }
    }

    /// <summary>
    /// A slot for one password check, or null: an unproven browser that must bring a proof first, or a
    /// queue that did not move for <see cref="WaitLimit"/>. Dispose the lease when the check is done.
    /// </summary>
    public async Task<IDisposable?> EnterAsync(PasswordCheckLane lane, CancellationToken ct = default)
    {
        if (lane == PasswordCheckLane.Unproven) return TryEnterUnproven();
        if (lane == PasswordCheckLane.Trusted && _trusted.Wait(0)) return new Lease(_trusted);
        if (_shared.Wait(0)) return new Lease(_shared);
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
            if (_shared.CurrentCount == 0)
            {
                _contendedAt = now;
                return null;
            }
            if (Contended(now))
            {
                _tokens = Refilled(now);
                _refilledAt = now;
                if (_tokens < 1) return null;
                _tokens -= 1;
            }
            if (!_shared.Wait(0))
            {
                _contendedAt = now;
                return null;
            }
            return new Lease(_shared);
        }
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
