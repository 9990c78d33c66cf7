namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// The words typosquatters add to a protected name. Two lists, because a separator changes the meaning:
/// <c>pytest-xdist</c> is how the ecosystem names a plugin of <c>pytest</c>, so a protected name joined by a
/// separator to an arbitrary word is normal; only the packaging affixes and bait words below are suspect there.
/// Glued together without a separator (<c>requestsfast</c>) a protected name is rarely legitimate, so any common
/// word counts.
/// </summary>
internal static class NameAffixes
{
    /// <summary>Affixes that dress a name as "the Python package of X": <c>python-X</c>, <c>pyX</c>, <c>X-py</c>, <c>X-lib</c>...</summary>
    public static readonly string[] Prefixes = ["python3", "python", "py3", "py", "pypi", "lib"];

    /// <summary>
    /// Suffixes of the same kind: <c>X-py</c>, <c>X-dev</c>, <c>X-utils</c>, <c>Xlib</c>. Kept short on purpose: <c>-core</c>,
    /// <c>-client</c>, <c>-cli</c>, <c>-sdk</c>, <c>-tools</c> are how real projects name their siblings (pydantic-core,
    /// kubernetes-client, pip-tools), and flagging them cost more false positives than the squats they catch.
    /// </summary>
    public static readonly string[] Suffixes = ["python3", "python", "py3", "py", "dev", "lib", "utils", "util"];

    /// <summary>
    /// Words that sell a copy as the official, fixed or secure version of the protected project, or as a tool for
    /// abusing it. A protected name joined to one of these, by a separator or glued, is held. Generic words that
    /// real projects prefix (fast, simple, lite, cloud, web...) are not here: fastavro and simple-websocket are real.
    /// </summary>
    public static readonly HashSet<string> BaitWords = new(StringComparer.Ordinal)
    {
        "new", "latest", "official", "secure", "fixed", "fix", "patched", "update", "updated", "upgrade", "original",
        "real", "premium", "free", "hack", "hacked", "crack", "cracked", "nuker", "grabber", "stealer", "selfbot",
        "spammer", "installer", "setup",
    };

    /// <summary>The bait words that also count glued on without a separator (longer ones only: <c>new</c> starts newrelic).</summary>
    public static readonly HashSet<string> GluedWords = new(BaitWords.Where(w => w.Length >= 5), StringComparer.Ordinal);
}
