using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// Withholds the versions that a known-malicious feed names (<see cref="BlockedUpstreamVersion"/> rows from
/// <c>bulwark osv import</c>). Versions are compared in PEP 440 order, so <c>1.0</c> and <c>1.0.0</c> are one
/// version; a version that does not parse is withheld whenever the project has any range rule, because it
/// cannot be shown to lie outside it (fail closed).
/// </summary>
public sealed class BlockedVersionGate(BulwarkDbContext db) : IUpstreamReleaseGate
{
    public async Task<IReadOnlySet<string>> WithheldAsync(string normalizedName, IReadOnlyCollection<string> versions, CancellationToken ct)
    {
        var rules = await db.BlockedUpstreamVersions.AsNoTracking().Where(b => b.NormalizedName == normalizedName).ToListAsync(ct);
        var withheld = new HashSet<string>(StringComparer.Ordinal);
        if (rules.Count == 0) return withheld;
        foreach (var version in versions)
        {
            if (rules.Any(r => Covers(r, version))) withheld.Add(version);
        }
        return withheld;
    }

    /// <summary>Whether one rule covers <paramref name="version"/>.</summary>
    public static bool Covers(BlockedUpstreamVersion rule, string version)
    {
        if (!Pep440Version.TryParse(version, out var v))
        {
            return rule.Version is null || rule.Version == version;
        }
        if (rule.Version is not null)
        {
            return Pep440Version.TryParse(rule.Version, out var exact) ? exact.Equals(v) : rule.Version == version;
        }
        // OSV ECOSYSTEM range: introduced (inclusive; "0" is the start of time), then fixed (exclusive) or
        // last_affected (inclusive), or neither (every later version).
        if (rule.Introduced is not null && rule.Introduced != "0")
        {
            if (!Pep440Version.TryParse(rule.Introduced, out var from) || v.CompareTo(from) < 0) return false;
        }
        if (rule.Fixed is not null && Pep440Version.TryParse(rule.Fixed, out var fixedAt) && v.CompareTo(fixedAt) >= 0) return false;
        if (rule.LastAffected is not null && Pep440Version.TryParse(rule.LastAffected, out var last) && v.CompareTo(last) > 0) return false;
        return true;
    }
}
