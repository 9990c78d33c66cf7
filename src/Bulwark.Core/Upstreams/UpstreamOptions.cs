namespace Bulwark.Core.Upstreams;

/// <summary>
/// One configured upstream index (<c>Bulwark:Upstreams:N</c>). Names that are not local are looked up on
/// the upstreams in order; the first that has the name serves it. Validated at start by
/// <see cref="UpstreamOptionsValidation"/>, which names the key at fault.
/// </summary>
public sealed class UpstreamOptions
{
    /// <summary>The simple index base URL, e.g. <c>https://pypi.org/simple/</c>. Empty: this entry is off.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// How long a request waits for the upstream (page answers, and the response headers of a file) before
    /// the cached copy is served instead, marked stale.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a fetched page is served without asking the upstream again (then revalidated with its ETag).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a file download from the upstream may take, start to end.</summary>
    public TimeSpan FileTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest file fetched from the upstream; a bigger one is refused unstored.</summary>
    public long MaxFileSize { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Serve only what is cached; never contact the upstream.</summary>
    public bool Offline { get; set; }

    /// <summary>Name patterns (<c>acme-*</c>, normalized names, <c>*</c> any run of characters) never resolved on this upstream.</summary>
    public List<string> Block { get; set; } = [];

    /// <summary>When not empty, only names matching one of these patterns are resolved on this upstream.</summary>
    public List<string> AllowOnly { get; set; } = [];

    /// <summary>
    /// The upstream's legacy JSON API base (<c>https://pypi.org/pypi/</c>), asked for <c>/pypi/&lt;name&gt;/json</c> of
    /// proxied names. Unset: derived from <see cref="Url"/> when that ends in <c>/simple/</c> (PyPI's and Warehouse's
    /// layout); <c>none</c>: the JSON is always built from the simple page.
    /// </summary>
    public string? JsonUrl { get; set; }

    /// <summary>The JSON API base with one trailing slash, or null when the JSON is to be built from the simple page.</summary>
    public Uri? JsonBaseUri
    {
        get
        {
            if (string.Equals(JsonUrl, "none", StringComparison.OrdinalIgnoreCase)) return null;
            if (!string.IsNullOrWhiteSpace(JsonUrl)) return new Uri(JsonUrl.TrimEnd('/') + "/", UriKind.Absolute);
            var simple = BaseUri;
            if (simple is null || !simple.AbsolutePath.EndsWith("/simple/", StringComparison.Ordinal)) return null;
            return new Uri(simple, "../pypi/");
        }
    }

    /// <summary><see cref="Url"/> with exactly one trailing slash, or null when the entry is off.</summary>
    public Uri? BaseUri => string.IsNullOrWhiteSpace(Url) ? null : new Uri(Url.TrimEnd('/') + "/", UriKind.Absolute);
}
