using Bulwark.Core.Packaging;

namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// Decides whether a new project name imitates a protected one. Pure and thread-safe: build it once per
/// protected set and call <see cref="Check"/> from any thread. Every rule is a handful of hash lookups (see
/// <see cref="ProtectedNames"/>), so the check costs microseconds whatever the size of the set.
/// </summary>
public sealed class TyposquatCheck
{
    private readonly ProtectedNames _names;
    private readonly TyposquatOptions _options;
    private readonly HashSet<(string Candidate, string Protected)> _allowed = [];

    /// <summary>
    /// Creates the check over <paramref name="names"/> with the rule actions and thresholds of <paramref name="options"/>;
    /// <paramref name="allowedPairs"/> (candidate, protected) are exceptions on top of the configured
    /// <see cref="TyposquatOptions.AllowedPairs"/> (the admins' list in the database).
    /// </summary>
    public TyposquatCheck(ProtectedNames names, TyposquatOptions? options = null, IEnumerable<(string Candidate, string Protected)>? allowedPairs = null)
    {
        _names = names ?? throw new ArgumentNullException(nameof(names));
        _options = options ?? new TyposquatOptions();
        foreach (var pair in _options.AllowedPairs)
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new ArgumentException($"Allowed pair '{pair}' is not of the form candidate=protected.", nameof(options));
            }

            _allowed.Add((NameForms.Normalize(parts[0]), NameForms.Normalize(parts[1])));
        }

        foreach (var (candidate, similar) in allowedPairs ?? [])
        {
            _allowed.Add((NameForms.Normalize(candidate), NameForms.Normalize(similar)));
        }
    }

    /// <summary>The protected names this check compares against.</summary>
    public ProtectedNames Names => _names;

    /// <summary>
    /// The verdict for <paramref name="candidateName"/>: <see cref="NameVerdict.Ok"/> when it resembles no
    /// protected name (or is one), else the strictest action among the rules that match, naming the
    /// highest-ranked protected name of that rule.
    /// </summary>
    public NameVerdict Check(string candidateName) => Check(candidateName, againstOthers: false);

    /// <summary>
    /// The verdict a protected <paramref name="name"/> would have got had it been registered after the names ranked
    /// above it (a name outside the set is judged as by <see cref="Check"/>): how <c>names sweep</c> reviews existing
    /// projects, and how false positives are measured on real names.
    /// </summary>
    public NameVerdict CheckAgainstOthers(string name) => Check(name, againstOthers: true);

    private NameVerdict Check(string candidateName, bool againstOthers)
    {
        ArgumentNullException.ThrowIfNull(candidateName);
        var (ascii, scripts, nonAscii) = Confusables.Fold(candidateName.Trim());
        var normalized = NameForms.Normalize(ascii);
        if (normalized.Length == 0 || (!nonAscii && !againstOthers && _names.TryGetNormalized(normalized, out _)))
        {
            return NameVerdict.Ok;
        }

        // The candidate as typed (look-alike letters kept): a folded copy of a protected name is not that name.
        var ownRank = againstOthers && !nonAscii && _names.TryGetNormalized(normalized, out var rank) ? rank : int.MaxValue;
        var hits = new Hits(this, nonAscii ? NameForms.Normalize(candidateName.Trim()) : normalized, ownRank);
        if (nonAscii)
        {
            // Whatever else matches, a look-alike of a protected name written with foreign letters is a copy.
            if (_names.TryGetNormalized(normalized, out var same))
            {
                hits.Add(TyposquatRules.Confusable, same);
            }

            if (Confusables.IsMixed(scripts))
            {
                hits.Add(TyposquatRules.MixedScripts, -1);
            }
        }

        var compact = NameForms.Compact(normalized);
        CollisionRules(hits, normalized, nonAscii);
        EditRules(hits, compact);
        AffixRules(hits, normalized, compact);
        WordRules(hits, normalized);
        return hits.Verdict();
    }

    private void CollisionRules(Hits hits, string normalized, bool nonAscii)
    {
        var ultra = ProjectName.Ultranormalize(normalized);
        foreach (var i in _names.ByUltranormalized(ultra) ?? [])
        {
            hits.Add(nonAscii ? TyposquatRules.Confusable : TyposquatRules.Ultranormalized, i);
        }

        foreach (var i in _names.BySkeleton(NameForms.Skeleton(ultra)) ?? [])
        {
            hits.Add(TyposquatRules.Confusable, i);
        }
    }

    private void EditRules(Hits hits, string compact)
    {
        if (compact.Length < Math.Min(_options.TranspositionMinLength, _options.OneEditMinLength) - 1)
        {
            return;
        }

        // Every protected name one edit away shares a key with the candidate: the candidate itself or one of its
        // deletions equals the protected name or one of its deletions.
        Span<char> buffer = stackalloc char[Math.Min(compact.Length, 256)];
        if (compact.Length > buffer.Length)
        {
            return;
        }

        ConsiderEdits(hits, compact, _names.ByDeletion(compact));
        for (var d = 0; d < compact.Length; d++)
        {
            if (d > 0 && compact[d] == compact[d - 1])
            {
                continue;
            }

            compact.AsSpan(0, d).CopyTo(buffer);
            compact.AsSpan(d + 1).CopyTo(buffer[d..]);
            var deletion = buffer[..(compact.Length - 1)];
            ConsiderEdits(hits, compact, _names.ByCompact(deletion));
            ConsiderEdits(hits, compact, _names.ByDeletion(deletion));
        }
    }

    private void ConsiderEdits(Hits hits, string compact, List<int>? candidates)
    {
        if (candidates is null)
        {
            return;
        }

        foreach (var i in candidates)
        {
            var protectedCompact = _names.CompactAt(i);
            if (NameEdits.Classify(compact, protectedCompact) is not { } rule || IsFamilySibling(hits.Candidate, _names.NameAt(i))
                || (protectedCompact.Length < FirstLetterMinLength && rule is not (TyposquatRules.Transposition or TyposquatRules.KeyboardTypo)
                    && compact[0] != protectedCompact[0]))
            {
                // People rarely mistype a name's first letter, except for the key next to it (mumpy); in short names
                // another first letter is mostly another word (black/slack, docker/mocker, pillow/willow).
                continue;
            }

            var length = protectedCompact.Length;
            var minimum = rule switch
            {
                TyposquatRules.Transposition or TyposquatRules.RepeatedLetter => _options.TranspositionMinLength,
                TyposquatRules.Plural or TyposquatRules.VersionDigit => _options.AffixMinLength,
                _ => _options.OneEditMinLength,
            };
            if (length >= minimum)
            {
                hits.Add(rule, i);
            }
        }
    }

    private const int FirstLetterMinLength = 8;

    /// <summary>
    /// Two names of one family that differ only in a short last-level word (mypy-boto3-ecs and mypy-boto3-efs,
    /// nvidia-cublas-cu11 and -cu12): the edit is the family's naming, not a slip.
    /// </summary>
    private static bool IsFamilySibling(string candidate, string protectedName)
    {
        var a = candidate.Split('-');
        var b = protectedName.Split('-');
        if (a.Length < 2 || a.Length != b.Length)
        {
            return false;
        }

        var differing = -1;
        for (var w = 0; w < a.Length; w++)
        {
            if (a[w] != b[w])
            {
                if (differing >= 0)
                {
                    return false;
                }

                differing = w;
            }
        }

        return differing >= 0 && Math.Max(a[differing].Length, b[differing].Length) <= 4;
    }

    private void AffixRules(Hits hits, string normalized, string compact)
    {
        foreach (var prefix in NameAffixes.Prefixes)
        {
            // python-X / pyX: the candidate adds the affix to a protected name...
            if (compact.Length > prefix.Length && compact.StartsWith(prefix, StringComparison.Ordinal))
            {
                AddAffixHits(hits, compact.AsSpan(prefix.Length));

                // One affix swapped for another: python-openssl for pyopenssl.
                foreach (var other in NameAffixes.Prefixes)
                {
                    if (other != prefix)
                    {
                        AddAffixHits(hits, string.Concat(other, compact.AsSpan(prefix.Length)));
                    }
                }
            }

        }

        foreach (var suffix in NameAffixes.Suffixes)
        {
            if (compact.Length > suffix.Length && compact.EndsWith(suffix, StringComparison.Ordinal))
            {
                AddAffixHits(hits, compact.AsSpan(0, compact.Length - suffix.Length));
            }

        }

        // Combination with a common word glued on without a separator: requestsfast, fastrequests. A separator
        // is how plugins are named (pytest-xdist), so only bait words count there (see WordRules).
        var lastDash = normalized.LastIndexOf('-');
        var lastWord = normalized[(lastDash + 1)..];
        for (var cut = 1; cut < lastWord.Length; cut++)
        {
            if (NameAffixes.GluedWords.Contains(lastWord[cut..]))
            {
                AddHits(hits, TyposquatRules.CombinedWord, compact.AsSpan(0, compact.Length - (lastWord.Length - cut)));
            }
        }

        var firstDash = normalized.IndexOf('-');
        var firstWord = firstDash < 0 ? normalized : normalized[..firstDash];
        for (var cut = 1; cut < firstWord.Length; cut++)
        {
            if (NameAffixes.GluedWords.Contains(firstWord[..cut]))
            {
                AddHits(hits, TyposquatRules.CombinedWord, compact.AsSpan(cut));
            }
        }
    }

    private void WordRules(Hits hits, string normalized)
    {
        if (!normalized.Contains('-'))
        {
            return;
        }

        foreach (var i in _names.ByWordSet(NameForms.WordSetKey(normalized)) ?? [])
        {
            if (_names.CompactAt(i).Length >= _options.AffixMinLength)
            {
                hits.Add(TyposquatRules.ReorderedWords, i);
            }
        }

        // A protected name joined by separators to bait words only: requests-official, secure-requests.
        var words = normalized.Split('-');
        for (var start = 0; start < words.Length; start++)
        {
            for (var end = start + 1; end <= words.Length; end++)
            {
                if ((start, end) == (0, words.Length))
                {
                    continue;
                }

                var rest = words[..start].Concat(words[end..]);
                if (rest.All(NameAffixes.BaitWords.Contains))
                {
                    AddHits(hits, TyposquatRules.CombinedWord, string.Concat(words[start..end]));
                }
            }
        }
    }

    private void AddAffixHits(Hits hits, ReadOnlySpan<char> compact) => AddHits(hits, TyposquatRules.Affix, compact);

    private void AddHits(Hits hits, string rule, ReadOnlySpan<char> compact)
    {
        if (compact.Length < _options.AffixMinLength)
        {
            return;
        }

        foreach (var i in _names.ByCompact(compact) ?? [])
        {
            hits.Add(rule, i);
        }
    }

    /// <summary>Collects (rule, protected name) matches and picks the verdict.</summary>
    private sealed class Hits(TyposquatCheck check, string candidate, int ownRank = int.MaxValue)
    {
        public string Candidate => candidate;

        private NameAction _action = NameAction.Ok;
        private int _ruleOrder = int.MaxValue;
        private int _index = int.MaxValue;
        private string? _rule;
        private int _closest = int.MaxValue;

        public void Add(string rule, int index)
        {
            var similar = index >= 0 ? check._names.NameAt(index) : null;
            // Checked as an existing protected name, only names ranked above it count: a project is not a
            // typosquat of one that came after it and is less used.
            if (similar == candidate || index >= ownRank || (similar is not null && check._allowed.Contains((candidate, similar))))
            {
                return;
            }

            var action = check._options.ActionFor(rule);
            if (action == NameAction.Ok)
            {
                return;
            }

            if (index >= 0)
            {
                _closest = Math.Min(_closest, index);
            }

            var order = TyposquatRules.Order(rule);
            var rank = index >= 0 ? index : int.MaxValue - 1;
            // Strictest action first; then the more specific rule; then the more important protected name.
            if (action > _action || (action == _action && (order < _ruleOrder || (order == _ruleOrder && rank < _index))))
            {
                (_action, _ruleOrder, _index, _rule) = (action, order, rank, rule);
            }
        }

        public NameVerdict Verdict()
        {
            if (_action == NameAction.Ok)
            {
                return NameVerdict.Ok;
            }

            // Mixed scripts decide by themselves; when the name also resembles a protected one, say which.
            var index = _index < int.MaxValue - 1 ? _index : _closest;
            return new NameVerdict(_action, index < int.MaxValue ? check._names.NameAt(index) : null, _rule);
        }
    }
}
