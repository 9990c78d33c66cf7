namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// The rules of the typosquat check, by the name that verdicts, reports and configuration use, with the
/// default action of each. Near-copies (a name a reader cannot tell from the protected one at a glance, or
/// one slip of the finger away from it) block; the looser families (affixes, plurals, word games) hold, so a
/// legitimate project is created and only waits for a review.
/// </summary>
public static class TyposquatRules
{
    /// <summary>Warehouse's rule: equal once lower-cased, separators removed, l/i→1 and o→0.</summary>
    public const string Ultranormalized = "ultranormalized";

    /// <summary>Equal once look-alike characters (Cyrillic "е", Greek "ο", "rn" for "m"...) are mapped to ASCII.</summary>
    public const string Confusable = "confusable";

    /// <summary>Letters of two scripts in one name (Latin with Cyrillic or Greek...).</summary>
    public const string MixedScripts = "mixed-scripts";

    /// <summary>One character inserted or substituted (none of the more specific edit rules).</summary>
    public const string OneEdit = "one-edit";

    /// <summary>Two neighbouring characters swapped.</summary>
    public const string Transposition = "transposition";

    /// <summary>One character replaced by a neighbouring key on a QWERTY keyboard.</summary>
    public const string KeyboardTypo = "keyboard-typo";

    /// <summary>One letter doubled (<c>requestts</c>).</summary>
    public const string RepeatedLetter = "repeated-letter";

    /// <summary>One letter left out (<c>reqests</c>).</summary>
    public const string DroppedLetter = "dropped-letter";

    /// <summary>A final <c>s</c> added or removed (<c>request</c> for <c>requests</c>).</summary>
    public const string Plural = "plural";

    /// <summary>A version digit added, removed or changed (<c>requests3</c>, <c>pyqt7</c>).</summary>
    public const string VersionDigit = "version-digit";

    /// <summary>A packaging affix added or removed (<c>python-</c>, <c>py</c>, <c>-py</c>, <c>-dev</c>, <c>lib</c>, <c>-utils</c>...).</summary>
    public const string Affix = "affix";

    /// <summary>The same words in another order (<c>dateutil-python</c>).</summary>
    public const string ReorderedWords = "reordered-words";

    /// <summary>A protected name glued to a common word, or joined to a bait word (<c>requestsplus</c>, <c>secure-requests</c>).</summary>
    public const string CombinedWord = "combined-word";

    /// <summary>Every rule, in the order the check prefers them when several match.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Ultranormalized, Confusable, MixedScripts, Transposition, KeyboardTypo, RepeatedLetter, DroppedLetter, OneEdit,
        Plural, VersionDigit, Affix, ReorderedWords, CombinedWord,
    ];

    /// <summary>Position of <paramref name="rule"/> in <see cref="All"/> (unknown rules last).</summary>
    public static int Order(string rule)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i] == rule)
            {
                return i;
            }
        }

        return All.Count;
    }

    /// <summary>The action of each rule when configuration does not say otherwise.</summary>
    public static NameAction DefaultAction(string rule) => rule switch
    {
        Ultranormalized or Confusable or MixedScripts or Transposition or KeyboardTypo or RepeatedLetter
            or DroppedLetter or OneEdit => NameAction.Block,
        _ => NameAction.Hold,
    };
}
