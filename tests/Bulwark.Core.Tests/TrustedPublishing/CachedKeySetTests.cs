using Bulwark.Core.TrustedPublishing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Core.Tests.TrustedPublishing;

/// <summary>The key cache: refetched when stale or on an unknown key id, never more than once per cooldown.</summary>
public sealed class CachedKeySetTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private Dictionary<string, string> _published = new() { ["k1"] = "key one" };
    private int _fetches;
    private Exception? _failure;

    private CachedKeySet<string> NewCache() => new(_ =>
    {
        _fetches++;
        if (_failure is not null) throw _failure;
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(_published));
    }, _clock, lifetime: TimeSpan.FromHours(1), cooldown: TimeSpan.FromMinutes(1), NullLogger.Instance, "test keys");

    [Fact]
    public async Task A_known_key_is_served_from_the_cache()
    {
        var cache = NewCache();
        Assert.Equal("key one", await cache.FindAsync("k1", default));
        Assert.Equal("key one", await cache.FindAsync("k1", default));
        Assert.Equal(1, _fetches);
    }

    [Fact]
    public async Task Unknown_key_ids_refetch_at_most_once_per_cooldown()
    {
        var cache = NewCache();
        await cache.FindAsync("k1", default);
        _published["k2"] = "key two";

        // The first unknown id within a minute of the last fetch waits for the cooldown.
        Assert.Null(await cache.FindAsync("k2", default));
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("key two", await cache.FindAsync("k2", default));
        Assert.Equal(2, _fetches);

        // A storm of made-up key ids costs one fetch per cooldown, not one per request.
        for (var i = 0; i < 50; i++) Assert.Null(await cache.FindAsync("made-up-" + i, default));
        _clock.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 50; i++) Assert.Null(await cache.FindAsync("made-up-" + i, default));
        Assert.Equal(3, _fetches);
    }

    [Fact]
    public async Task Keys_are_refetched_when_stale_and_a_removed_key_stops_working()
    {
        var cache = NewCache();
        await cache.FindAsync("k1", default);
        _published = new() { ["k3"] = "key three" };
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Null(await cache.FindAsync("k1", default));
        Assert.Equal("key three", await cache.FindAsync("k3", default));
        Assert.Equal(2, _fetches);
    }

    [Fact]
    public async Task A_failed_or_empty_fetch_keeps_the_known_keys_and_says_why()
    {
        var cache = NewCache();
        await cache.FindAsync("k1", default);
        _clock.Advance(TimeSpan.FromHours(2));
        _failure = new HttpRequestException("connection refused");
        Assert.Equal("key one", await cache.FindAsync("k1", default));
        Assert.Contains("connection refused", cache.LastError);

        _failure = null;
        _published = new();
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("key one", await cache.FindAsync("k1", default));
        Assert.Contains("no usable keys", cache.LastError);
        Assert.Equal(3, _fetches);
    }
}
