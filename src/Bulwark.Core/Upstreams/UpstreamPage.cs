namespace Bulwark.Core.Upstreams;

/// <summary>
/// The last page an upstream index sent for a project name that is not local, kept so that it can be served
/// when the upstream is slow, down or switched off (<see cref="UpstreamOptions.Offline"/>), and revalidated
/// with its ETag otherwise. Times are UTC.
/// </summary>
public sealed class UpstreamPage
{
    /// <summary>The PEP 503 normalized project name.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>The upstream's simple index base URL the page came from (<c>Bulwark:Upstreams:N:Url</c>).</summary>
    public required string UpstreamUrl { get; set; }

    /// <summary>The upstream's validator, sent back as <c>If-None-Match</c>.</summary>
    public string? ETag { get; set; }

    /// <summary>When the upstream last answered for this page (200 or 304).</summary>
    public DateTimeOffset CheckedAt { get; set; }

    /// <summary>The parsed listing (<see cref="UpstreamListing"/>) in Bulwark's own JSON form, never the raw body.</summary>
    public required string Listing { get; set; }
}
