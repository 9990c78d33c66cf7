using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace Bulwark.Core.Index;

/// <summary>
/// Rendered index pages kept as bytes, bounded by total size (least recently used pages go first).
/// An entry is served only when its <see cref="PageVersion"/> equals the version the caller read just before
/// (the project's <see cref="IndexGenerations"/> value); otherwise the page is rendered again. Concurrent misses
/// for the same key and version share one render, so an upload of a popular project costs one render, not one
/// per waiting client.
/// </summary>
public sealed class PageCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<(string Key, PageVersion Version), Lazy<Task<RenderedPage>>> _inFlight = new();

    public PageCache(long sizeLimitBytes)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = sizeLimitBytes, CompactionPercentage = 0.25 });
    }

    /// <summary>Number of renders done; lets tests prove that a hit did not render.</summary>
    public long RenderCount => Interlocked.Read(ref _renders);
    private long _renders;

    /// <summary>The cached page if it was rendered at <paramref name="version"/>: the whole cost of a hit.</summary>
    public bool TryGet(string key, PageVersion version, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RenderedPage? page)
    {
        if (_cache.TryGetValue(key, out page) && page!.Version == version)
        {
            Observability.BulwarkMetrics.PageCacheHit();
            return true;
        }
        page = null;
        return false;
    }

    public Task<RenderedPage> GetAsync(string key, PageVersion version, Func<Task<byte[]>> render) =>
        GetOrRenderAsync(key, version, async () => new PageContent(await render(), 0));

    /// <summary>
    /// The page for <paramref name="key"/> at <paramref name="version"/>, rendering it when the cached one is
    /// missing or was rendered at another version. The render is not cancelled by one waiting caller.
    /// </summary>
    public async Task<RenderedPage> GetOrRenderAsync(string key, PageVersion version, Func<Task<PageContent>> render)
    {
        if (TryGet(key, version, out var cached)) return cached;
        // Counted here and not in TryGet: callers try TryGet first and come here on a miss, so each request
        // that was not a hit counts once.
        Observability.BulwarkMetrics.PageCacheMiss();

        var flight = _inFlight.GetOrAdd((key, version), k => new Lazy<Task<RenderedPage>>(() => RenderAsync(k.Key, k.Version, render)));
        try
        {
            return await flight.Value;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<(string, PageVersion), Lazy<Task<RenderedPage>>>((key, version), flight));
        }
    }

    /// <summary>Drops a page, e.g. when a write path in this process wants the memory back at once.</summary>
    public void Invalidate(string key) => _cache.Remove(key);

    private async Task<RenderedPage> RenderAsync(string key, PageVersion version, Func<Task<PageContent>> render)
    {
        var page = new RenderedPage(await render(), version);
        Interlocked.Increment(ref _renders);
        // A slow render of an older version may overwrite a newer page; that costs one more render, never
        // a stale response, because every hit is checked against the version read for that request.
        _cache.Set(key, page, new MemoryCacheEntryOptions { Size = page.Footprint + key.Length * 2 });
        return page;
    }

    public void Dispose() => _cache.Dispose();
}
