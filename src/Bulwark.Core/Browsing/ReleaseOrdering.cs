using Bulwark.Core.Packaging;

namespace Bulwark.Core.Browsing;

/// <summary>The version facts needed to order releases and pick the one a project page leads with.</summary>
public interface IVersioned
{
    string Version { get; }
    bool Yanked { get; }
}

public static class ReleaseOrdering
{
    /// <summary>Newest first by PEP 440; versions that do not parse sort last, by text.</summary>
    public static List<T> NewestFirst<T>(IEnumerable<T> releases) where T : IVersioned =>
        releases
            .Select(r => (Release: r, Parsed: Pep440Version.TryParse(r.Version, out var v) ? v : null))
            .OrderByDescending(x => x.Parsed is not null)
            .ThenByDescending(x => x.Parsed)
            .ThenByDescending(x => x.Release.Version, StringComparer.Ordinal)
            .Select(x => x.Release)
            .ToList();

    /// <summary>
    /// The release a project page shows by default, as PyPI picks it: the newest final release that is not
    /// yanked; failing that the newest non-yanked pre-release; failing that the newest of all.
    /// </summary>
    public static T? Latest<T>(IEnumerable<T> releases) where T : class, IVersioned
    {
        var ordered = NewestFirst(releases);
        return ordered.FirstOrDefault(r => !r.Yanked && !IsPrerelease(r.Version))
            ?? ordered.FirstOrDefault(r => !r.Yanked)
            ?? ordered.FirstOrDefault();
    }

    private static bool IsPrerelease(string version) => Pep440Version.TryParse(version, out var v) && v.IsPrerelease;
}
