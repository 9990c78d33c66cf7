using System.Collections.Concurrent;
using System.Data.Common;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// Serves project pages of names that are not local from the configured upstreams, behind the guard
/// (<see cref="IUpstreamNamePolicy"/>) and the release gates (<see cref="IUpstreamReleaseGate"/>). Pages are
/// kept in memory and in the database (<see cref="UpstreamPage"/>); an upstream that is down or slower than its
/// timeout gets the stored page served, marked stale. Concurrent requests for one name share one upstream
/// request. The caller has already found that no local project has the name; the guard checks again anyway,
/// because it is the guard and not the caller that must be right.
/// </summary>
public sealed class UpstreamProxy(
    IOptions<UpstreamProxyOptions> options, IUpstreamClient client, IServiceScopeFactory scopes, IndexGenerations generations,
    TimeProvider time, ILogger<UpstreamProxy> log) : IDisposable
{
    /// <summary>After a failed upstream request the stale page is served this long before the upstream is tried again.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);

    private readonly MemoryCache _pages = new(new MemoryCacheOptions { SizeLimit = 128L * 1024 * 1024, CompactionPercentage = 0.25 });
    private readonly ConcurrentDictionary<string, Lazy<Task<Outcome<ProxiedPage>>>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _writes = new(StringComparer.Ordinal);

    public bool Enabled { get; } = options.Value.Enabled;

    /// <summary>Number of page requests sent to upstreams; lets tests prove that a cached page asked no one.</summary>
    public long UpstreamRequests => Interlocked.Read(ref _upstreamRequests);
    private long _upstreamRequests;

    /// <summary>The page for <paramref name="normalizedName"/>, asking the upstream when the cached copy is due.</summary>
    public async Task<Outcome<ProxiedPage>> GetPageAsync(string normalizedName, CancellationToken ct)
    {
        if (!Enabled) return Refusal.NotFound("No upstream is configured.");
        var generation = generations.Of(normalizedName);
        if (_pages.TryGetValue(normalizedName, out ProxiedPage? page) && page!.Generation == generation && page.NextCheckAt > time.GetUtcNow())
        {
            return page;
        }
        return await SingleFlightAsync("page:" + normalizedName, () => RefreshAsync(normalizedName, generation)).WaitAsync(ct);
    }

    /// <summary>
    /// The page as held, without asking any upstream (file requests must not wait on it): from memory, or
    /// rebuilt from the stored row, through the guard and the gates again. Only when no row is held at all is the
    /// page fetched (<see cref="GetPageAsync"/>).
    /// </summary>
    public async Task<Outcome<ProxiedPage>> GetHeldAsync(string normalizedName, CancellationToken ct)
    {
        if (!Enabled) return Refusal.NotFound("No upstream is configured.");
        var generation = generations.Of(normalizedName);
        if (_pages.TryGetValue(normalizedName, out ProxiedPage? page) && page!.Generation == generation) return page;
        await FlushAsync(normalizedName);
        return await SingleFlightAsync("held:" + normalizedName, async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
            var row = await db.UpstreamPages.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedName == normalizedName, CancellationToken.None);
            // Nothing held here: another instance may have served the page a moment ago and not stored it yet (pages
            // are stored after they are answered), or this one restarted. The page is fetched, through the guard.
            if (row is null) return await GetPageAsync(normalizedName, CancellationToken.None);
            var upstream = options.Value.Active.Select(a => a.Upstream).FirstOrDefault(u => SameUpstream(u, row.UpstreamUrl));
            if (upstream is null) return Refusal.NotFound($"'{normalizedName}' came from an upstream that is no longer configured.");
            var decision = await scope.ServiceProvider.GetRequiredService<IUpstreamNamePolicy>().DecideAsync(normalizedName, upstream, CancellationToken.None);
            if (!decision.MayProxy) return Refusal.NotFound($"'{normalizedName}' is not resolved upstream: {decision.Reason}.");
            // Due for a check at once: a page request after this one still asks the upstream.
            return await BuildAsync(scope.ServiceProvider, normalizedName, upstream, UpstreamListing.FromStoredJson(row.Listing), generation,
                upstream.Offline ? DateTimeOffset.MaxValue : time.GetUtcNow(), upstream.Offline ? UpstreamFreshness.Offline : UpstreamFreshness.Stale);
        }).WaitAsync(ct);
    }

    /// <summary>Waits until the page of <paramref name="normalizedName"/> answered last is stored (see <see cref="Persist"/>).</summary>
    public async Task FlushAsync(string normalizedName)
    {
        if (_writes.TryGetValue(normalizedName, out var write)) await write;
    }

    private async Task<Outcome<ProxiedPage>> RefreshAsync(string name, long generation)
    {
        await FlushAsync(name);
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<BulwarkDbContext>();
        var policy = sp.GetRequiredService<IUpstreamNamePolicy>();
        var row = await db.UpstreamPages.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedName == name, CancellationToken.None);
        Refusal? last = null;
        foreach (var (index, upstream) in options.Value.Active)
        {
            var decision = await policy.DecideAsync(name, upstream, CancellationToken.None);
            if (decision.Verdict is UpstreamNameVerdict.Local or UpstreamNameVerdict.Reserved)
            {
                // Claimed here: no upstream may answer for it, whatever it holds.
                return Refusal.NotFound($"'{name}' is not resolved upstream: {decision.Reason}.");
            }
            if (!decision.MayProxy) continue;

            var held = row is not null && SameUpstream(upstream, row.UpstreamUrl) ? row : null;
            var now = time.GetUtcNow();
            if (upstream.Offline)
            {
                if (held is null) continue;
                return await BuildAsync(sp, name, upstream, UpstreamListing.FromStoredJson(held.Listing), generation, DateTimeOffset.MaxValue, UpstreamFreshness.Offline);
            }

            Interlocked.Increment(ref _upstreamRequests);
            var fetched = await client.FetchPageAsync(upstream.BaseUri!, name, held?.ETag, upstream.Timeout, CancellationToken.None);
            if (!fetched.TryGetValue(out var answer, out var refusal))
            {
                log.LogWarning("Upstream {Index} failed for {Project}: {Reason}", index, name, refusal.Message);
                last = refusal;
                if (held is null) continue;
                // The upstream is down or slow: the page it sent last is served, marked stale, and the
                // upstream is not asked again for a short while (no request waits on a dead upstream twice).
                return await BuildAsync(sp, name, upstream, UpstreamListing.FromStoredJson(held.Listing), generation, now + RetryAfterFailure, UpstreamFreshness.Stale);
            }
            switch (answer.Kind)
            {
                case UpstreamFetchKind.NotModified when held is not null:
                    var confirmed = await BuildAsync(sp, name, upstream, UpstreamListing.FromStoredJson(held.Listing), generation, now + upstream.MaxAge, UpstreamFreshness.Fresh);
                    Persist(name, new UpstreamPage
                    {
                        NormalizedName = name, UpstreamUrl = held.UpstreamUrl, ETag = held.ETag, CheckedAt = now, Listing = held.Listing,
                    });
                    return confirmed;
                case UpstreamFetchKind.Page when answer.Listing is not null:
                    // Answered from the fetched bytes; the row is stored right after (Persist), off the request's path.
                    var page = await BuildAsync(sp, name, upstream, answer.Listing, generation, now + upstream.MaxAge, UpstreamFreshness.Fresh);
                    Persist(name, new UpstreamPage
                    {
                        NormalizedName = name, UpstreamUrl = upstream.Url!, ETag = answer.ETag, CheckedAt = now, Listing = answer.Listing.ToStoredJson(),
                    });
                    return page;
                default:
                    // Gone upstream (a project PyPI removed, often for malware): forget it here too.
                    if (held is not null)
                    {
                        db.UpstreamPages.Remove(held);
                        row = null;
                        await SaveQuietlyAsync(db, name);
                    }
                    continue;
            }
        }
        _pages.Remove(name);
        return last ?? Refusal.NotFound($"No upstream has '{name}'.");
    }

    /// <summary>Filters the listing through the release gates, renders both forms and keeps the page in memory.</summary>
    private async Task<ProxiedPage> BuildAsync(IServiceProvider sp, string name, UpstreamOptions upstream, UpstreamListing listing, long generation,
        DateTimeOffset nextCheckAt, UpstreamFreshness freshness)
    {
        var versions = listing.Files.Select(f => f.Version).Distinct(StringComparer.Ordinal).ToList();
        var withheld = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gate in sp.GetServices<IUpstreamReleaseGate>())
        {
            withheld.UnionWith(await gate.WithheldAsync(name, versions, CancellationToken.None));
        }
        var files = IndexFormatting.SortByVersion(listing.Files.Where(f => !withheld.Contains(f.Version)), f => f.Version, f => f.Filename);
        var shownVersions = IndexFormatting.SortByVersion(versions.Where(v => !withheld.Contains(v)), v => v);
        var complete = listing.FromJson && files.All(f => f.Size is not null);
        var version = new PageVersion(generation);
        var html = new RenderedPage(UpstreamPageRenderer.RenderHtml(name, files), version);
        var json = new RenderedPage(UpstreamPageRenderer.RenderJson(name, files, shownVersions, complete), version);
        var page = new ProxiedPage(name, upstream.Url!, upstream.Offline, files, html, json, generation, nextCheckAt, freshness);
        _pages.Set(name, page, new MemoryCacheEntryOptions { Size = page.Footprint });
        return page;
    }

    /// <summary>
    /// Stores <paramref name="page"/> as the held page of <paramref name="name"/> after the request that fetched it was
    /// answered: the database write (an fsync on SQLite) was most of a first fetch's cost over the upstream's own
    /// latency. Until the write lands, this instance serves the page from memory, and every reader of the row here
    /// (a refresh, a held-page rebuild, the scan's quarantine) first waits for it (<see cref="FlushAsync"/>); another
    /// instance that finds no row fetches the page itself (<see cref="GetHeldAsync"/>). Refreshes of one name are
    /// single-flight, so its writes never overlap in one process. A write whose name the guard refuses by now (a
    /// local upload claimed it meanwhile) is dropped: a local name holds no upstream page.
    /// </summary>
    private void Persist(string name, UpstreamPage page)
    {
        var write = PersistAsync(name, page);
        _writes[name] = write;
        _ = write.ContinueWith(t => _writes.TryRemove(new KeyValuePair<string, Task>(name, t)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task PersistAsync(string name, UpstreamPage page)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
            var upstream = options.Value.Active.Select(a => a.Upstream).FirstOrDefault(u => SameUpstream(u, page.UpstreamUrl));
            if (upstream is null || !(await scope.ServiceProvider.GetRequiredService<IUpstreamNamePolicy>().DecideAsync(name, upstream, CancellationToken.None)).MayProxy)
            {
                return;
            }
            var row = await db.UpstreamPages.FirstOrDefaultAsync(p => p.NormalizedName == name, CancellationToken.None);
            if (row is null) db.UpstreamPages.Add(page);
            else
            {
                row.UpstreamUrl = page.UpstreamUrl;
                row.ETag = page.ETag;
                row.CheckedAt = page.CheckedAt;
                row.Listing = page.Listing;
            }
            await SaveQuietlyAsync(db, name);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            // Not stored: this instance still serves the page from memory, and the next refresh stores it again.
            log.LogWarning(ex, "The upstream page of {Project} could not be stored.", name);
        }
    }

    private async Task SaveQuietlyAsync(BulwarkDbContext db, string name)
    {
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException ex)
        {
            // Another instance stored the same page at the same moment; what it stored is as good as ours.
            log.LogInformation(ex, "Upstream page of {Project} was stored concurrently.", name);
            db.ChangeTracker.Clear();
        }
    }

    private async Task<Outcome<ProxiedPage>> SingleFlightAsync(string key, Func<Task<Outcome<ProxiedPage>>> work)
    {
        var flight = _inFlight.GetOrAdd(key, _ => new Lazy<Task<Outcome<ProxiedPage>>>(work));
        try
        {
            return await flight.Value;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<Outcome<ProxiedPage>>>>(key, flight));
        }
    }

    private static bool SameUpstream(UpstreamOptions upstream, string url) =>
        string.Equals(upstream.Url?.TrimEnd('/'), url.TrimEnd('/'), StringComparison.Ordinal);

    public void Dispose() => _pages.Dispose();
}
