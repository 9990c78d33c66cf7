using Bulwark.Core.Index;

namespace Bulwark.Core.Tests.Index;

public class PageCacheTests
{
    [Fact]
    public async Task Concurrent_misses_share_one_render()
    {
        using var cache = new PageCache(1024 * 1024);
        var renders = 0;
        var gate = new TaskCompletionSource();
        Func<Task<byte[]>> render = async () =>
        {
            Interlocked.Increment(ref renders);
            await gate.Task;
            return [1, 2, 3];
        };
        var waiting = Enumerable.Range(0, 20).Select(_ => cache.GetAsync("k", new PageVersion(5), render)).ToList();
        gate.SetResult();
        var pages = await Task.WhenAll(waiting);
        Assert.Equal(1, renders);
        Assert.All(pages, p => Assert.Same(pages[0], p));
    }

    [Fact]
    public async Task A_page_is_reused_only_for_the_version_it_was_rendered_from()
    {
        using var cache = new PageCache(1024 * 1024);
        var first = await cache.GetAsync("k", new PageVersion(1), () => Task.FromResult(new byte[] { 1 }));
        var hit = await cache.GetAsync("k", new PageVersion(1), () => throw new InvalidOperationException("must not render"));
        Assert.Same(first, hit);

        var next = await cache.GetAsync("k", new PageVersion(2), () => Task.FromResult(new byte[] { 2 }));
        Assert.NotSame(first, next);
        Assert.NotEqual(first.ETag, next.ETag);
        Assert.Equal(2, cache.RenderCount);
    }

    [Fact]
    public async Task A_failed_render_is_not_cached()
    {
        using var cache = new PageCache(1024 * 1024);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync("k", new PageVersion(1), () => throw new InvalidOperationException()));
        var page = await cache.GetAsync("k", new PageVersion(1), () => Task.FromResult(new byte[] { 7 }));
        Assert.Equal([7], page.Body);
    }

    [Fact]
    public void Etags_are_strong_and_differ_for_the_vendor_html_type()
    {
        var page = new RenderedPage([1, 2, 3], new PageVersion(1));
        Assert.StartsWith("\"", page.ETag);
        Assert.EndsWith("\"", page.ETag);
        Assert.NotEqual(page.ETag, page.ETagFor(SimpleApi.V1Html));
        Assert.Equal(page.ETag, page.ETagFor(SimpleApi.V1Json));
        Assert.Equal(page.ETag, new RenderedPage([1, 2, 3], new PageVersion(99)).ETag);
    }
}
