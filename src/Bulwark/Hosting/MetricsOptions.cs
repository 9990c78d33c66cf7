namespace Bulwark.Hosting;

/// <summary>The <c>Bulwark:Metrics</c> section: Prometheus metrics at <c>/metrics</c>, off by default.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Bulwark:Metrics";

    public bool Enabled { get; set; }

    /// <summary>
    /// Listen URLs (separated by ';') of a listener that serves <c>/metrics</c> and nothing else, e.g.
    /// <c>http://127.0.0.1:9464</c>; then the index's own listeners do not serve it. Empty: <c>/metrics</c> is
    /// served next to the index.
    /// </summary>
    public string? Urls { get; set; }

    public IReadOnlyList<string> ListenUrls => (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static MetricsOptions From(IConfiguration configuration) => configuration.GetSection(Section).Get<MetricsOptions>() ?? new();
}
