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

    /// <summary>Suffixes of the same kind: <c>X-py</c>, <c>X-dev</c>, <c>X-utils</c>, <c>X-sdk</c>...</summary>
    public static readonly string[] Suffixes =
    [
        "python3", "python", "py3", "py", "dev", "lib", "libs", "utils", "util", "tools", "tool", "toolkit", "sdk", "api",
        "pkg", "package", "module", "client", "core", "cli", "io",
    ];

    /// <summary>
    /// Words that sell a copy as a better, newer or official version of the protected project, or as a tool for
    /// abusing it. A protected name joined to one of these (either side, separator or not) is held.
    /// </summary>
    public static readonly HashSet<string> BaitWords = new(StringComparer.Ordinal)
    {
        "new", "latest", "official", "secure", "security", "safe", "fast", "faster", "fastest", "free", "pro", "plus",
        "premium", "lite", "light", "fixed", "fix", "patched", "patch", "update", "updated", "upgrade", "stable", "beta",
        "alpha", "original", "real", "best", "better", "extra", "extended", "full", "mod", "modded", "hack", "hacked",
        "crack", "cracked", "nuker", "grabber", "stealer", "selfbot", "spammer", "v2", "v3", "next", "ultra", "super", "advanced", "enhanced", "improved", "optimized", "turbo", "easy", "simple",
        "helper", "helpers", "installer", "setup", "bundle", "master", "win", "windows", "linux", "mac", "macos",
    };

    /// <summary>
    /// Common English words that, glued to a protected name with no separator, make a combination squat
    /// (<c>requestsfast</c>, <c>numpyhelper</c>). Kept to words that are not themselves the tail of many real
    /// names; the false-positive measurement in docs/detection.md is what this list is tuned on.
    /// </summary>
    public static readonly HashSet<string> GluedWords = new(BaitWords, StringComparer.Ordinal)
    {
        "go", "get", "run", "app", "bot", "kit", "box", "hub", "web", "net", "online", "cloud", "data", "info",
        "client", "server", "core", "plugin", "plugins", "addon", "ext", "extra", "extras", "module", "package", "pkg",
        "sdk", "test", "tests", "check", "checker", "color", "colors", "log", "logs", "logger", "proxy", "request",
        "requests", "http", "https", "auth", "login", "pay", "wallet", "crypto", "coin", "token", "key", "keys",
    };
}
