using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.Devices;

/// <summary>
/// Recognises browsers that signed in to an account before, by a random device cookie.
/// </summary>
/// <remarks>
/// <para>Why a cookie and not the IP address or a browser fingerprint: addresses change all the time (mobile
/// networks, VPNs, office NAT), so binding to them locks real people out, which is a known complaint about
/// IP-bound confirmation mails; fingerprints are guessable, shared by many identical browsers and a privacy
/// problem. A random cookie is unguessable and, above all, the browser sends it only to this site: a phishing
/// relay at another origin never receives the victim's device cookie, so a session the relay opens always
/// comes from an unknown device, however well it copies the victim's IP or user agent.</para>
/// <para>The cookie is HttpOnly (script on a page cannot read it), SameSite=Lax, and on https carries the
/// <c>__Host-</c> prefix. Only its hash is stored, per user, and only after a confirmed sign-in
/// (a WebAuthn or passkey sign-in or step-up, the e-mailed confirmation link, or a factor added in that
/// browser): a TOTP or recovery-code sign-in alone never makes a browser known.</para>
/// </remarks>
public sealed class KnownDevices(BulwarkDbContext db, KnownDeviceFilter filter, TimeProvider time)
{
    /// <summary>How long a browser stays known without being used to sign in.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);

    /// <summary>Most devices kept per account; the least recently used are forgotten first.</summary>
    public const int MaxPerUser = 50;

    public async Task<bool> IsKnownAsync(long userId, string? deviceCookie, CancellationToken ct = default)
    {
        if (OpaqueSecret.Hash(deviceCookie) is not { } hash) return false;
        var since = time.GetUtcNow() - Lifetime;
        // The lookup is by the hash of a 256-bit random value: an exact index match, nothing to time.
        return await db.KnownDevices.AnyAsync(d => d.UserId == userId && d.CookieHash == hash && d.LastSeenAt > since, ct);
    }

    /// <summary>
    /// The account named <paramref name="username"/> when this browser is known to it, else null. One indexed
    /// query, so sign-in can recognise the owner's browser before anything else, even under a flood.
    /// </summary>
    public async Task<User?> AccountKnowingAsync(string username, string? deviceCookie, CancellationToken ct = default)
    {
        if (OpaqueSecret.Hash(deviceCookie) is not { } hash || !await filter.MayBeKnownAsync(db, hash, ct)) return null;
        var normalized = username.ToLowerInvariant();
        var since = time.GetUtcNow() - Lifetime;
        return await db.KnownDevices
            .Where(d => d.CookieHash == hash && d.LastSeenAt > since && d.User.NormalizedUsername == normalized)
            .Select(d => d.User)
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>Whether the browser is known to any of <paramref name="users"/> (an e-mail address may name several).</summary>
    public async Task<bool> KnowsAnyAsync(IReadOnlyCollection<User> users, string? deviceCookie, CancellationToken ct = default)
    {
        if (users.Count == 0 || OpaqueSecret.Hash(deviceCookie) is not { } hash || !await filter.MayBeKnownAsync(db, hash, ct)) return false;
        var ids = users.Select(u => u.Id).ToList();
        var since = time.GetUtcNow() - Lifetime;
        return await db.KnownDevices.AnyAsync(d => d.CookieHash == hash && d.LastSeenAt > since && ids.Contains(d.UserId), ct);
    }

    /// <summary>Records (or refreshes) this browser as known for the user. The caller saves nothing more.</summary>
    public async Task RememberAsync(long userId, string? deviceCookie, string? ipAddress, string? userAgent, CancellationToken ct = default)
    {
        if (OpaqueSecret.Hash(deviceCookie) is not { } hash) return;
        var now = time.GetUtcNow();
        var device = await db.KnownDevices.FirstOrDefaultAsync(d => d.UserId == userId && d.CookieHash == hash, ct);
        if (device is null)
        {
            device = new KnownDevice { UserId = userId, CookieHash = hash, FirstSeenAt = now };
            db.KnownDevices.Add(device);
        }
        device.LastSeenAt = now;
        filter.Add(hash);
        device.LastIpAddress = ipAddress is { Length: > 64 } ? ipAddress[..64] : ipAddress;
        device.LastUserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent;
        await db.SaveChangesAsync(ct);

        var stale = await db.KnownDevices.Where(d => d.UserId == userId)
            .OrderByDescending(d => d.LastSeenAt).Skip(MaxPerUser).Select(d => d.Id).ToListAsync(ct);
        if (stale.Count > 0) await db.KnownDevices.Where(d => stale.Contains(d.Id)).ExecuteDeleteAsync(ct);
    }

    /// <summary>Forgets every device of the user (the owner reported a sign-in that was not theirs).</summary>
    public Task<int> ForgetAllAsync(long userId, CancellationToken ct = default) =>
        db.KnownDevices.Where(d => d.UserId == userId).ExecuteDeleteAsync(ct);
}
