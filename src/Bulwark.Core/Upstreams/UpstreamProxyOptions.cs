namespace Bulwark.Core.Upstreams;

/// <summary>The <c>Bulwark:Upstreams</c> list. Empty (the default): Bulwark serves local projects only.</summary>
public sealed class UpstreamProxyOptions
{
    public const string Section = "Bulwark:Upstreams";

    public List<UpstreamOptions> Upstreams { get; set; } = [];

    /// <summary>The entries that are switched on (have a URL), with their position in the configuration.</summary>
    public IEnumerable<(int Index, UpstreamOptions Upstream)> Active =>
        Upstreams.Select((u, i) => (i, u)).Where(e => !string.IsNullOrWhiteSpace(e.u.Url));

    public bool Enabled => Active.Any();
}
