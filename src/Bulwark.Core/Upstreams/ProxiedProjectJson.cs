using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Upstreams;

/// <summary>A proxied JSON API document and where its content came from.</summary>
/// <param name="FromUpstreamJson">True: the upstream's own document, filtered; false: built from the proxied page.</param>
public sealed record ProxiedJson(byte[] Body, UpstreamFreshness Freshness, bool FromUpstreamJson, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>/pypi/&lt;name&gt;/json</c> and <c>/pypi/&lt;name&gt;/&lt;version&gt;/json</c> of names that are not local. The proxied
/// simple page decides everything that matters (<see cref="UpstreamProxy"/>: the guard, the release gates, quarantine):
/// a name it refuses has no JSON either, and the JSON lists only the files the page serves. The upstream's JSON API
/// (<see cref="UpstreamOptions.JsonBaseUri"/>) adds what a simple page cannot carry (summary, dependencies); without
/// one, or when the upstream is stale, offline or fails, the document is built from the page
/// (<see cref="ProxiedJsonRenderer.Synthesise"/>), so a JSON request never waits on a dead upstream twice.
/// </summary>
public sealed class ProxiedProjectJson(UpstreamProxy proxy, IUpstreamClient client, IOptions<UpstreamProxyOptions> options, TimeProvider time,
    ILogger<ProxiedProjectJson> log) : IDisposable
{
    private readonly MemoryCache _documents = new(new MemoryCacheOptions { SizeLimit = 64L * 1024 * 1024, CompactionPercentage = 0.25 });

    /// <param name="version">A release, or null for the project document.</param>
    /// <param name="baseUrl">The public base URL (no trailing slash): the JSON API's file URLs are absolute.</param>
    public async Task<Outcome<ProxiedJson>> GetAsync(string normalizedName, string? version, string baseUrl, CancellationToken ct)
    {
        if (!(await proxy.GetPageAsync(normalizedName, ct)).TryGetValue(out var page, out var refusal)) return refusal;
        if (page.Files.Count == 0) return Refusal.NotFound($"'{normalizedName}' has no release served here.");
        string? release = null;
        if (version is not null)
        {
            // Matched as Warehouse matches: by PEP 440 value, the exact spelling preferred.
            release = page.Files.Select(f => f.Version).FirstOrDefault(v => v == version)
                ?? (Pep440Version.TryParse(version, out var wanted)
                    ? page.Files.Select(f => f.Version).FirstOrDefault(v => Pep440Version.TryParse(v, out var listed) && listed.Equals(wanted))
                    : null);
            if (release is null) return Refusal.NotFound($"'{normalizedName}' has no release '{version}' served here.");
        }

        var now = time.GetUtcNow();
        var key = $"{normalizedName}\n{release}\n{page.Generation}\n{baseUrl}";
        if (_documents.TryGetValue(key, out ProxiedJson? held) && held!.ExpiresAt > now && held.Freshness == page.Freshness) return held;

        var upstream = options.Value.Active.Select(a => a.Upstream).FirstOrDefault(u => u.Url == page.UpstreamUrl);
        byte[]? body = null;
        if (upstream?.JsonBaseUri is { } jsonBase && page.Freshness == UpstreamFreshness.Fresh)
        {
            var fetched = await client.FetchProjectJsonAsync(jsonBase, normalizedName, release, upstream.Timeout, CancellationToken.None);
            if (!fetched.TryGetValue(out var raw, out var failed)) log.LogWarning("Upstream JSON of {Project} failed: {Reason}", normalizedName, failed.Message);
            else if (raw.Length > 0) body = ProxiedJsonRenderer.Rewrite(raw, page, baseUrl);
        }
        // Kept as long as the page it was built from, and never longer than the upstream's MaxAge.
        var maxAge = now + (upstream?.MaxAge ?? TimeSpan.Zero);
        var document = new ProxiedJson(body ?? ProxiedJsonRenderer.Synthesise(page, release, baseUrl), page.Freshness, body is not null,
            page.NextCheckAt < maxAge ? page.NextCheckAt : maxAge);
        if (document.ExpiresAt > now)
        {
            _documents.Set(key, document, new MemoryCacheEntryOptions { Size = document.Body.Length + 256L, AbsoluteExpiration = document.ExpiresAt });
        }
        return document;
    }

    public void Dispose() => _documents.Dispose();
}
