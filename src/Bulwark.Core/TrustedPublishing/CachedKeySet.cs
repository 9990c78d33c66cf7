using Microsoft.Extensions.Logging;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// Public keys from a remote source (an issuer's JWKS, a secret scanner's key list), cached and refetched in a
/// bounded way: when the cache is older than <c>lifetime</c>, or a key id is unknown (the source rotated its keys),
/// but never more often than once per <c>cooldown</c>, however many unknown key ids arrive. A fetch that fails
/// keeps the keys already known, so a source that is briefly unreachable does not stop publishing.
/// </summary>
public sealed class CachedKeySet<TKey>(
    Func<CancellationToken, Task<IReadOnlyDictionary<string, TKey>>> fetch,
    TimeProvider time,
    TimeSpan lifetime,
    TimeSpan cooldown,
    ILogger log,
    string source) where TKey : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Read without the lock by every request: the dictionary is replaced whole, never changed, and the two times
    // are UTC ticks read and written atomically (0: never).
    private volatile IReadOnlyDictionary<string, TKey> _keys = new Dictionary<string, TKey>();
    private long _fetchedAt;
    private long _lastAttempt;

    /// <summary>Why the last fetch failed, if it did (for the refusal message).</summary>
    public string? LastError { get; private set; }

    public async Task<TKey?> FindAsync(string keyId, CancellationToken ct)
    {
        if (IsFresh() && _keys.TryGetValue(keyId, out var cached)) return cached;
        if (!CoolingDown())
        {
            await _gate.WaitAsync(ct);
            try
            {
                // Another request may have fetched while this one waited.
                if (!(IsFresh() && _keys.ContainsKey(keyId)) && !CoolingDown()) await RefreshAsync(ct);
            }
            finally
            {
                _gate.Release();
            }
        }
        return _keys.GetValueOrDefault(keyId);
    }

    private bool IsFresh() => Since(ref _fetchedAt) < lifetime;

    private bool CoolingDown() => Since(ref _lastAttempt) < cooldown;

    private TimeSpan Since(ref long ticks)
    {
        var at = Interlocked.Read(ref ticks);
        return at == 0 ? TimeSpan.MaxValue : TimeSpan.FromTicks(time.GetUtcNow().UtcTicks - at);
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        var attempt = time.GetUtcNow().UtcTicks;
        Interlocked.Exchange(ref _lastAttempt, attempt);
        try
        {
            var keys = await fetch(ct);
            // An empty set is more likely a passing fault of the source than a real revocation of every key.
            if (keys.Count == 0)
            {
                LastError = $"{source} listed no usable keys";
                log.LogWarning("{Source} listed no usable keys; keeping the {Count} known ones.", source, _keys.Count);
                return;
            }
            _keys = keys;
            Interlocked.Exchange(ref _fetchedAt, attempt);
            LastError = null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidDataException or ArgumentException or FormatException)
        {
            LastError = $"{source} could not be read: {e.Message}";
            log.LogWarning(e, "Fetching keys from {Source} failed; keeping the {Count} known ones.", source, _keys.Count);
        }
    }
}
