using Bulwark.Core.Index;

namespace Bulwark.Core.Upstreams;

/// <summary>How current a served proxied page is; the page response says so in <c>X-Bulwark-Upstream</c>.</summary>
public enum UpstreamFreshness
{
    /// <summary>The upstream confirmed the page within its <c>MaxAge</c>.</summary>
    Fresh,
    /// <summary>The upstream was down or slower than its <c>Timeout</c>: the last page it sent is served.</summary>
    Stale,
    /// <summary>The upstream is configured <c>Offline</c>: only the cache is served.</summary>
    Offline,
}

/// <summary>
/// A proxied project page, ready to serve: the files that passed the guard and the release gates, rendered in
/// both forms. Kept in memory and served while the name's <see cref="IndexGenerations"/> value is unchanged
/// (a local upload, an OSV import or a quarantine moves it) and until <see cref="NextCheckAt"/>.
/// </summary>
public sealed class ProxiedPage(
    string normalizedName, string upstreamUrl, bool offlineUpstream, IReadOnlyList<UpstreamFile> files,
    RenderedPage html, RenderedPage json, long generation, DateTimeOffset nextCheckAt, UpstreamFreshness freshness)
{
    public string NormalizedName { get; } = normalizedName;
    public string UpstreamUrl { get; } = upstreamUrl;
    public bool OfflineUpstream { get; } = offlineUpstream;
    public IReadOnlyList<UpstreamFile> Files { get; } = files;
    public RenderedPage Html { get; } = html;
    public RenderedPage Json { get; } = json;
    public long Generation { get; } = generation;
    public DateTimeOffset NextCheckAt { get; } = nextCheckAt;
    public UpstreamFreshness Freshness { get; } = freshness;

    public RenderedPage For(SimpleFormat format) => format == SimpleFormat.Json ? Json : Html;

    /// <summary>The listed file with this hash and name, if it is served.</summary>
    public UpstreamFile? Find(string sha256, string filename) =>
        Files.FirstOrDefault(f => f.Sha256 == sha256 && f.Filename == filename);

    public long Footprint => Html.Footprint + Json.Footprint + Files.Count * 400L;
}
