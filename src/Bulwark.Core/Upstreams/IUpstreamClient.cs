using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Upstreams;

/// <summary>What an upstream said about a page.</summary>
public enum UpstreamFetchKind
{
    /// <summary>A new page (200).</summary>
    Page,
    /// <summary>The page held is still current (304 to our <c>If-None-Match</c>).</summary>
    NotModified,
    /// <summary>The upstream has no such project (404 or 410).</summary>
    NotFound,
}

/// <summary>An upstream's answer for a page; <see cref="Listing"/> is set for <see cref="UpstreamFetchKind.Page"/>.</summary>
public sealed record UpstreamFetch(UpstreamFetchKind Kind, UpstreamListing? Listing = null, string? ETag = null);

/// <summary>A file fetched and checked: its size and the sha256 of the bytes that arrived.</summary>
public sealed record UpstreamDownload(long Size, string Sha256);

/// <summary>
/// What the proxy needs from an upstream index: a project's page, its legacy JSON document, and a file fetched
/// to a local path with its digest. Core names what happened (a page, not modified, not found, or an
/// <see cref="RefusalKind.Unavailable"/> refusal that callers answer from their cache); the HTTP that carries
/// it lives at the edge (<c>src/Bulwark/Upstreams/HttpUpstreamClient.cs</c>).
/// </summary>
public interface IUpstreamClient
{
    /// <summary>A project's simple page, conditional on <paramref name="etag"/> when one is held.</summary>
    Task<Outcome<UpstreamFetch>> FetchPageAsync(Uri baseUri, string normalizedName, string? etag, TimeSpan timeout, CancellationToken ct);

    /// <summary>
    /// The upstream's legacy JSON API document for a project (<paramref name="version"/> null) or a release: the
    /// body, or an empty array when the upstream has no such project or release.
    /// </summary>
    Task<Outcome<byte[]>> FetchProjectJsonAsync(Uri jsonBase, string normalizedName, string? version, TimeSpan timeout, CancellationToken ct);

    /// <summary>A file streamed to <paramref name="destination"/> (created new), hashed as it arrives, at most <paramref name="maxSize"/> bytes.</summary>
    Task<Outcome<UpstreamDownload>> DownloadAsync(string url, string destination, long maxSize, TimeSpan headerTimeout, TimeSpan totalTimeout, CancellationToken ct);
}
