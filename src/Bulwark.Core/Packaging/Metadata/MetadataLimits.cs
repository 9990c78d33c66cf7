namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// Bounds on metadata values, applied by <see cref="CoreMetadataBuilder"/> as each value is collected (from
/// the upload form or from METADATA / PKG-INFO), before any parser sees it. Metadata is text from whoever
/// holds a token: every parser of it must finish in time and stack proportional to a small input, so a value
/// over a bound is set aside and reported as an error that names the field, rather than parsed.
/// </summary>
/// <remarks>
/// The bounds are far above what build tools write (the longest real requirement strings are a few hundred
/// characters, SPDX expressions a few dozen, nesting a handful of levels) and far below what would cost the
/// index anything. The description is bounded elsewhere: by the form's total size and the archive's
/// METADATA size limit, and by the README renderer's own budget.
/// </remarks>
internal static class MetadataLimits
{
    /// <summary>Deepest parenthesis nesting in a marker or license expression (the parsers recurse per level).</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>Longest value of a structured or one-line field (requirements, URLs, e-mails, classifiers...).</summary>
    public const int MaxValueLength = 8 * 1024;

    /// <summary>Longest free-text <c>License</c> (some projects paste the whole license text there).</summary>
    public const int MaxLicenseLength = 1024 * 1024;

    /// <summary>Most values one multiple-use field may have (e.g. <c>Requires-Dist</c> lines).</summary>
    public const int MaxValuesPerField = 5_000;

    /// <summary>
    /// Most header lines a METADATA / PKG-INFO may have (continuation lines not counted): with the per-field
    /// bound this caps the records made for unknown headers, which are reported once per distinct name.
    /// </summary>
    public const int MaxHeaders = 20_000;

    /// <summary>The reason given for text nested deeper than <see cref="MaxNestingDepth"/>.</summary>
    public static readonly string NestedTooDeeply = $"nested too deeply (more than {MaxNestingDepth} levels of parentheses)";

    /// <summary>Fields whose parsers recurse on parentheses (PEP 508 markers, SPDX expressions).</summary>
    private static readonly HashSet<string> NestedFields =
        new(["requires-dist", "provides-dist", "obsoletes-dist", "license-expression"], StringComparer.Ordinal);

    /// <summary>
    /// Why <paramref name="value"/> may not be collected as a value of <paramref name="field"/>, or null.
    /// Linear in the length of the value.
    /// </summary>
    public static string? Problem(CoreMetadataField field, string value)
    {
        var key = field.Key;
        if (key == "description")
        {
            return null;
        }

        // Nesting first: for a nesting bomb it is the more telling reason, and the scan is linear too.
        if (NestedFields.Contains(key) && NestingDepth(value) > MaxNestingDepth)
        {
            return $"{PyRepr.Str(value)} is invalid for {PyRepr.Str(key)}: {NestedTooDeeply}";
        }

        var max = key == "license" ? MaxLicenseLength : MaxValueLength;
        return value.Length > max
            ? $"{PyRepr.Str(value)} is invalid for {PyRepr.Str(key)}: too long ({value.Length} characters; at most {max})"
            : null;
    }

    /// <summary>The message for a field given more than <see cref="MaxValuesPerField"/> values.</summary>
    public static string TooManyValues(CoreMetadataField field) =>
        $"{PyRepr.Str(field.Key)} has too many values (more than {MaxValuesPerField})";

    /// <summary>
    /// The deepest parenthesis nesting in <paramref name="text"/>, not counting parentheses inside quoted
    /// strings (a marker may compare with <c>'('</c>). An unmatched <c>)</c> does not lower it below zero.
    /// </summary>
    internal static int NestingDepth(string text)
    {
        int depth = 0, deepest = 0;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is not null)
            {
                quote = c == quote ? null : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '(')
            {
                deepest = Math.Max(deepest, ++depth);
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
        }

        return deepest;
    }
}
