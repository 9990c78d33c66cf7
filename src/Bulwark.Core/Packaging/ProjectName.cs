using System.Text.RegularExpressions;

namespace Bulwark.Core.Packaging;

/// <summary>Project names: validity and PEP 503 normalization.</summary>
public static partial class ProjectName
{
    /// <summary>PEP 503: lower-case, and every run of <c>-</c>, <c>_</c> or <c>.</c> becomes one <c>-</c>.</summary>
    public static string Normalize(string name) => SeparatorRun().Replace(name, "-").ToLowerInvariant();

    [GeneratedRegex("[-_.]+")]
    private static partial Regex SeparatorRun();
}
