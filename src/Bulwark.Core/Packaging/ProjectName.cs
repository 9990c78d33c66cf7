using System.Text.RegularExpressions;

namespace Bulwark.Core.Packaging;

/// <summary>Project names: validity and PEP 503 normalization.</summary>
public static partial class ProjectName
{
    /// <summary>PEP 503: lower-case, and every run of <c>-</c>, <c>_</c> or <c>.</c> becomes one <c>-</c>.</summary>
    public static string Normalize(string name) => SeparatorRun().Replace(name, "-").ToLowerInvariant();

    public static string Ultranormalize(string name) =>
        Normalize(name).Replace("-", "").Replace('l', '1').Replace('i', '1').Replace('o', '0');

    // Placeholder until the full primitives land.
    public static bool IsValid(string name) => ValidName().IsMatch(name);

    [GeneratedRegex("^[A-Z0-9]([A-Z0-9._-]*[A-Z0-9])?\\z", RegexOptions.IgnoreCase)]
    private static partial Regex ValidName();

    [GeneratedRegex("[-_.]+")]
    private static partial Regex SeparatorRun();
}
