using System.Collections.Frozen;

namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// The trove classifiers an upload may use: the embedded list (generated from Debian's python3-trove-classifiers
/// by <c>scripts/generate-trove-classifiers.py</c>) plus classifiers an operator allows on top.
/// </summary>
public sealed class TroveClassifiers
{
    private static readonly Lazy<TroveClassifiers> Embedded = new(LoadEmbedded);

    private readonly FrozenSet<string> _valid;
    private readonly FrozenDictionary<string, IReadOnlyList<string>> _deprecated;

    /// <summary>Builds a catalog from explicit lists.</summary>
    /// <param name="valid">Classifiers that may be used.</param>
    /// <param name="deprecated">Deprecated classifiers and the classifiers that replace them (possibly none).</param>
    public TroveClassifiers(IEnumerable<string> valid, IReadOnlyDictionary<string, IReadOnlyList<string>> deprecated)
    {
        _deprecated = deprecated.ToFrozenDictionary(StringComparer.Ordinal);
        _valid = valid.Where(c => !_deprecated.ContainsKey(c)).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The embedded list.</summary>
    public static TroveClassifiers Default => Embedded.Value;

    /// <summary>Classifiers that may be used (deprecated ones excluded).</summary>
    public IReadOnlySet<string> Valid => _valid;

    /// <summary>Deprecated classifiers, each with its replacements.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Deprecated => _deprecated;

    /// <summary>
    /// A catalog that also accepts <paramref name="extra"/> — for classifiers published after the embedded list
    /// was generated, or private ones an organization uses on its own index. Allowing a deprecated classifier
    /// here un-deprecates it.
    /// </summary>
    public TroveClassifiers WithAdditional(IEnumerable<string> extra)
    {
        var added = extra.Select(c => c.Trim()).Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);
        return new TroveClassifiers(
            _valid.Concat(added),
            _deprecated.Where(d => !added.Contains(d.Key)).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal));
    }

    /// <summary>True when the classifier is in the catalog, deprecated or not.</summary>
    public bool IsKnown(string classifier) => _valid.Contains(classifier) || _deprecated.ContainsKey(classifier);

    private static TroveClassifiers LoadEmbedded()
    {
        var valid = ReadLines("Bulwark.Core.Packaging.Metadata.Resources.trove-classifiers.txt");
        var deprecated = ReadLines("Bulwark.Core.Packaging.Metadata.Resources.trove-classifiers-deprecated.txt")
            .Select(line => line.Split('\t'))
            .ToDictionary(parts => parts[0], parts => (IReadOnlyList<string>)parts[1..], StringComparer.Ordinal);
        return new TroveClassifiers(valid, deprecated);
    }

    private static List<string> ReadLines(string resource)
    {
        using var stream = typeof(TroveClassifiers).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} is missing.");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
