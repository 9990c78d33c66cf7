namespace Bulwark.Core.Upstreams;

/// <summary>
/// A version (or a range of versions) of an upstream project that is never proxied, imported from a
/// known-malicious feed (OSV <c>MAL-*</c> records, <c>bulwark osv import</c>). Either <see cref="Version"/> is
/// set, or the range bounds are (OSV <c>ECOSYSTEM</c> events: introduced, then fixed or last_affected).
/// </summary>
public sealed class BlockedUpstreamVersion
{
    public long Id { get; set; }

    /// <summary>The record's id, e.g. <c>MAL-2024-1234</c>; a re-import of the same record replaces its rows.</summary>
    public required string Source { get; set; }

    public required string NormalizedName { get; set; }

    /// <summary>One exact version (compared in PEP 440 canonical form).</summary>
    public string? Version { get; set; }

    /// <summary>Range start, inclusive; <c>0</c> means every version from the first.</summary>
    public string? Introduced { get; set; }

    /// <summary>Range end, exclusive.</summary>
    public string? Fixed { get; set; }

    /// <summary>Range end, inclusive.</summary>
    public string? LastAffected { get; set; }

    public DateTimeOffset ImportedAt { get; set; }
}
