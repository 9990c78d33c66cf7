using System.ComponentModel.DataAnnotations;

namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>The <c>Bulwark:Names</c> section: where protected names come from and what each rule does.</summary>
public sealed class TyposquatOptions
{
    public const string Section = "Bulwark:Names";

    /// <summary>
    /// An operator's list of protected names: one name per line (<c>#</c> comments allowed), or the JSON shape of
    /// the public top-PyPI-packages data set (<c>{"rows": [{"project": ...}, ...]}</c>). Empty: none.
    /// </summary>
    public string? ProtectedListFile { get; set; }

    /// <summary>Only the first this-many names of the list file are protected (0: all of them).</summary>
    [Range(0, int.MaxValue)]
    public int ProtectedListLimit { get; set; }

    /// <summary>
    /// Per-rule action overrides, by rule name (see <see cref="TyposquatRules"/>): <c>Ok</c> turns a rule off,
    /// <c>Hold</c> or <c>Block</c>. Rules not named keep <see cref="TyposquatRules.DefaultAction"/>.
    /// </summary>
    public Dictionary<string, NameAction> Rules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Name pairs an admin has cleared, written <c>candidate=protected</c>: the candidate is never held or blocked
    /// because it resembles that protected name (it still is for other protected names).
    /// </summary>
    public List<string> AllowedPairs { get; set; } = [];

    /// <summary>
    /// Shortest protected name (letters and digits, separators not counted) that insertions, deletions and
    /// substitutions are checked against. Below it, one edit away is mostly another real project: <c>toml</c> and
    /// <c>tomli</c>, <c>six</c> and <c>sip</c>...
    /// </summary>
    /// <summary>
    /// <c>Bulwark:Names:TopProjects</c>: how many of this index's most-downloaded projects (last 30 days) are protected
    /// besides the critical ones; 0 protects none by downloads.
    /// </summary>
    [Range(0, 1_000_000)]
    public int TopProjects { get; set; } = 1000;

    /// <summary>
    /// <c>Bulwark:Names:RefreshMinutes</c>: how long the server's protected set is reused before the download ranking
    /// is read again (critical projects and the list file are checked on every use).
    /// </summary>
    [Range(1, 1440)]
    public int RefreshMinutes { get; set; } = 10;

    [Range(1, 100)]
    public int OneEditMinLength { get; set; } = 5;

    /// <summary>Shortest protected name that swapped neighbours and doubled letters are checked against.</summary>
    [Range(1, 100)]
    public int TranspositionMinLength { get; set; } = 4;

    /// <summary>Shortest protected name that affix, plural, digit, word-order and combined-word rules apply to.</summary>
    [Range(1, 100)]
    public int AffixMinLength { get; set; } = 4;

    /// <summary>The action for <paramref name="rule"/>: the override if configured, else the default.</summary>
    public NameAction ActionFor(string rule) =>
        Rules.TryGetValue(rule, out var action) ? action : TyposquatRules.DefaultAction(rule);
}
