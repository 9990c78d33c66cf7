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
/// which stays the authority. Rows added by this process enter at once; rows added by other instances within
/// <see cref="RefreshEvery"/> (until then such a browser is treated as unknown: asked for a proof, not
/// refused). Deleted rows linger as harmless candidates until the full reload every <see cref="ReloadEvery"/>.</para>
/// </remarks>
public sealed class KnownDeviceFilter(TimeProvider time)
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan ReloadEvery = TimeSpan.FromMinutes(10);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Lock _sync = new();
    private HashSet<string> _hashes = new(StringComparer.Ordinal);
    private long _maxId;
    private long _refreshedAt;
    private long _reloadedAt;

    /// <summary>Whether a browser with this cookie hash may be known to some account (refreshing the set first when due).</summary>
    public async Task<bool> MayBeKnownAsync(BulwarkDbContext db, byte[] cookieHash, CancellationToken ct = default)
    {
        await RefreshIfDueAsync(db, ct);
        var key = Convert.ToBase64String(cookieHash);
        lock (_sync) return _hashes.Contains(key);
    }

    /// <summary>Adds a browser that this process just made known.</summary>
    public void Add(byte[] cookieHash)
    {
        lock (_sync) _hashes.Add(Convert.ToBase64String(cookieHash));
    }

    private async Task RefreshIfDueAsync(BulwarkDbContext db, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (now - Interlocked.Read(ref _refreshedAt) < RefreshEvery.Ticks) return;
        // One refresh at a time; everyone else goes on with the set as it is.
        if (!await _refreshing.WaitAsync(0, ct)) return;
        try
        {
            var reload = now - _reloadedAt >= ReloadEvery.Ticks;
            var after = reload ? 0 : _maxId;
            var rows = await db.KnownDevices.AsNoTracking().Where(d => d.Id > after)
                .Select(d => new { d.Id, d.CookieHash }).ToListAsync(ct);
            lock (_sync)
            {
                if (reload) _hashes = new HashSet<string>(StringComparer.Ordinal);
                foreach (var row in rows) _hashes.Add(Convert.ToBase64String(row.CookieHash));
                if (rows.Count > 0) _maxId = Math.Max(_maxId, rows.Max(r => r.Id));
            }
            if (reload) _reloadedAt = now;
            Interlocked.Exchange(ref _refreshedAt, now);
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
