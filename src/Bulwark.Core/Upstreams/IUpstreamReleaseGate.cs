namespace Bulwark.Core.Upstreams;

/// <summary>
/// Withholds releases of an upstream project: a withheld version is not listed on the proxied page and its
/// files are 404, even when already stored. Every registered gate is asked (DI: all implementations); a
/// version any gate withholds is withheld. The known-malicious feed (<see cref="BlockedVersionGate"/>) is one;
/// quarantine of proxied releases joins as another implementation, without changes to the proxy.
/// </summary>
public interface IUpstreamReleaseGate
{
    /// <param name="normalizedName">The project, PEP 503 normalized.</param>
    /// <param name="versions">The versions the upstream lists, as its filenames write them.</param>
    /// <returns>The subset of <paramref name="versions"/> (same strings) that must not be served.</returns>
    Task<IReadOnlySet<string>> WithheldAsync(string normalizedName, IReadOnlyCollection<string> versions, CancellationToken ct);
}
