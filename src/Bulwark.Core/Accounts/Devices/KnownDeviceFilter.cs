using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.Devices;

/// <summary>
/// The hashes of every known browser's device cookie, in memory: a pre-filter that lets sign-in tell in
/// microseconds that a browser is not known to any account, without a query.
/// </summary>
/// <remarks>
/// <para>Why: during a flood, recognising the owner's browser comes before anything else, and a query per
/// request (a few hundred microseconds of SQLite or a round trip to PostgreSQL) was most of what a flooded
/// sign-in cost. An attacker cannot put a hash into this set (only confirmed sign-ins do), and random cookies
/// miss it, so a flood never reaches the database here, whatever cookies it sends.</para>
/// <para>It only ever says "maybe known": a hit is confirmed by <see cref="KnownDevices"/> against the table,
/// which stays the authority. Rows added by this process enter at once. Rows added by other instances (several
/// servers on one database) are read by an incremental refresh every <see cref="RefreshEvery"/>, and also when
/// a hash misses and the last refresh is older than <see cref="MissRefreshEvery"/>: a browser another
/// instance confirmed is recognised here from its first sign-in after that, give or take that quarter second,
/// while a flood of random cookies costs at most four indexed reads of nothing new a second, never a query
/// per request. Until then such a browser is treated as unknown (asked for a proof, not refused).</para>
/// <para>PostgreSQL hands out ids at insert and shows rows at commit, so another instance's row with a lower
/// id can become visible after a higher one was read. Ids missing below the highest one read are kept as gaps
/// and asked for again on every refresh until they appear or <see cref="GapTimeout"/> passes (a rolled-back
/// insert leaves a permanent gap). Deleted rows linger as harmless candidates until the full reload every
/// <see cref="ReloadEvery"/>.</para>
/// </remarks>
public sealed class KnownDeviceFilter(TimeProvider time)
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan ReloadEvery = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MissRefreshEvery = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan GapTimeout = TimeSpan.FromMinutes(2);
    private const int MaxGaps = 10_000;
    private const int StartWindow = 1000;

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Lock _sync = new();
    private HashSet<string> _hashes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _gaps = [];
    private long _maxId;
    private long _refreshedAt;
    private long _reloadedAt;

    /// <summary>Whether a browser with this cookie hash may be known to some account (refreshing the set first when due).</summary>
    public async Task<bool> MayBeKnownAsync(BulwarkDbContext db, byte[] cookieHash, CancellationToken ct = default)
    {
        await RefreshIfDueAsync(db, RefreshEvery, ct);
        var key = Convert.ToBase64String(cookieHash);
        if (Contains(key)) return true;
        // A miss may be a browser another instance confirmed since the last refresh.
        return await RefreshIfDueAsync(db, MissRefreshEvery, ct) && Contains(key);
    }

    private bool Contains(string key)
    {
        lock (_sync) return _hashes.Contains(key);
    }

    /// <summary>Adds a browser that this process just made known.</summary>
    public void Add(byte[] cookieHash)
    {
        lock (_sync) _hashes.Add(Convert.ToBase64String(cookieHash));
    }

    /// <summary>Refreshes when the last refresh is at least <paramref name="age"/> old; true when it did.</summary>
    private async Task<bool> RefreshIfDueAsync(BulwarkDbContext db, TimeSpan age, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (now - Interlocked.Read(ref _refreshedAt) < age.Ticks) return false;
        // One refresh at a time; everyone else goes on with the set as it is.
        if (!await _refreshing.WaitAsync(0, ct)) return false;
        try
        {
            var reload = now - _reloadedAt >= ReloadEvery.Ticks;
            if (reload) _gaps.Clear();
            var after = reload ? 0 : _maxId;
            foreach (var expired in _gaps.Where(g => now - g.Value > GapTimeout.Ticks).Select(g => g.Key).ToList()) _gaps.Remove(expired);
            var gaps = _gaps.Keys.ToList();
            var rows = await db.KnownDevices.AsNoTracking().Where(d => d.Id > after || gaps.Contains(d.Id))
                .OrderBy(d => d.Id).Select(d => new { d.Id, d.CookieHash }).ToListAsync(ct);
            foreach (var row in rows)
            {
                if (row.Id <= after) _gaps.Remove(row.Id);
            }
            var fresh = rows.Where(r => r.Id > after).Select(r => r.Id).ToHashSet();
            var top = fresh.Count > 0 ? fresh.Max() : after;
            // After a full load only the newest ids are watched: older holes are deleted rows, not late commits.
            for (var id = reload ? Math.Max(0, top - StartWindow) + 1 : after + 1; id < top && _gaps.Count < MaxGaps; id++)
            {
                if (!fresh.Contains(id)) _gaps.TryAdd(id, now);
            }
            lock (_sync)
            {
                if (reload) _hashes = new HashSet<string>(StringComparer.Ordinal);
                foreach (var row in rows) _hashes.Add(Convert.ToBase64String(row.CookieHash));
                _maxId = Math.Max(_maxId, top);
            }
            if (reload) _reloadedAt = now;
            Interlocked.Exchange(ref _refreshedAt, now);
            return true;
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
