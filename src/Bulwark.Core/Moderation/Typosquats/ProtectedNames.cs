using Bulwark.Core.Packaging;

namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// The names new projects must not imitate, in rank order (the first is the most important: when a candidate
/// resembles several, the verdict names the highest-ranked), with the indexes the typosquat check looks up.
/// Immutable: build a new set to change it. Every lookup is a hash probe, so a check costs the same against
/// 15,000 names as against 700,000: the one-edit rules use deletion neighbourhoods (every form of a name with
/// one character removed), the way SymSpell does, instead of an edit distance against every protected name.
/// </summary>
public sealed class ProtectedNames
{
    private readonly string[] _names;
    private readonly string[] _compact;
    private readonly Dictionary<string, int> _byNormalized = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byCompact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byUltranormalized = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _bySkeleton = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byDeletion = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byWordSet = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>>.AlternateLookup<ReadOnlySpan<char>> _deletionLookup;
    private readonly Dictionary<string, List<int>>.AlternateLookup<ReadOnlySpan<char>> _compactLookup;

    /// <summary>An empty set: every name is ok.</summary>
    public static ProtectedNames Empty { get; } = new([]);

    /// <summary>Builds the set from <paramref name="names"/> in rank order; invalid names and repeats are skipped.</summary>
    public ProtectedNames(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var kept = new List<string>();
        foreach (var raw in names)
        {
            var name = raw?.Trim();
            if (!ProjectName.IsValid(name))
            {
                continue;
            }

            var normalized = ProjectName.Normalize(name!);
            if (_byNormalized.TryAdd(normalized, kept.Count))
            {
                kept.Add(normalized);
            }
        }

        _names = [.. kept];
        _compact = new string[_names.Length];
        for (var i = 0; i < _names.Length; i++)
        {
            var compact = NameForms.Compact(_names[i]);
            _compact[i] = compact;
            Add(_byCompact, compact, i);
            var ultra = ProjectName.Ultranormalize(_names[i]);
            Add(_byUltranormalized, ultra, i);
            Add(_bySkeleton, NameForms.Skeleton(ultra), i);
            if (_names[i].Contains('-'))
            {
                Add(_byWordSet, NameForms.WordSetKey(_names[i]), i);
            }

            for (var d = 0; d < compact.Length; d++)
            {
                // A doubled letter gives the same deletion twice; one entry is enough.
                if (d > 0 && compact[d] == compact[d - 1])
                {
                    continue;
                }

                Add(_byDeletion, string.Concat(compact.AsSpan(0, d), compact.AsSpan(d + 1)), i);
            }
        }

        _deletionLookup = _byDeletion.GetAlternateLookup<ReadOnlySpan<char>>();
        _compactLookup = _byCompact.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>How many names are protected.</summary>
    public int Count => _names.Length;

    /// <summary>The normalized names in rank order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Whether <paramref name="name"/> (any spelling) is itself protected.</summary>
    public bool Contains(string name) => _byNormalized.ContainsKey(ProjectName.Normalize(name));

    /// <summary>A new set holding these names followed by <paramref name="more"/> (ranked after them).</summary>
    public ProtectedNames With(IEnumerable<string> more) => new(_names.Concat(more));

    internal string NameAt(int index) => _names[index];

    internal string CompactAt(int index) => _compact[index];

    internal bool TryGetNormalized(string normalized, out int index) => _byNormalized.TryGetValue(normalized, out index);

    internal List<int>? ByCompact(ReadOnlySpan<char> compact) => _compactLookup.TryGetValue(compact, out var list) ? list : null;

    internal List<int>? ByDeletion(ReadOnlySpan<char> deletion) => _deletionLookup.TryGetValue(deletion, out var list) ? list : null;

    internal List<int>? ByUltranormalized(string ultra) => _byUltranormalized.GetValueOrDefault(ultra);

    internal List<int>? BySkeleton(string skeleton) => _bySkeleton.GetValueOrDefault(skeleton);

    internal List<int>? ByWordSet(string key) => _byWordSet.GetValueOrDefault(key);

    private static void Add(Dictionary<string, List<int>> index, string key, int value)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = new List<int>(1);
        }

        if (list.Count == 0 || list[^1] != value)
        {
            list.Add(value);
        }
    }
}
