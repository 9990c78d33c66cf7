namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>The derived forms of a normalized (PEP 503) name that the typosquat rules compare.</summary>
internal static class NameForms
{
    /// <summary>Letters and digits only: <c>python-dateutil</c> becomes <c>pythondateutil</c>.</summary>
    public static string Compact(string normalized) => normalized.Contains('-') ? normalized.Replace("-", "", StringComparison.Ordinal) : normalized;

    /// <summary>
    /// The ultranormalized form with the two-letter look-alikes of Latin type folded too: <c>rn</c> reads as
    /// <c>m</c> and <c>vv</c> as <c>w</c> in most fonts, which Warehouse's rule does not cover.
    /// </summary>
    public static string Skeleton(string ultranormalized) =>
        ultranormalized.Contains("rn", StringComparison.Ordinal) || ultranormalized.Contains("vv", StringComparison.Ordinal)
            ? ultranormalized.Replace("rn", "m", StringComparison.Ordinal).Replace("vv", "w", StringComparison.Ordinal)
            : ultranormalized;

    /// <summary>The words of a name in sorted order, so that reordered names share a key.</summary>
    public static string WordSetKey(string normalized)
    {
        var words = normalized.Split('-', StringSplitOptions.RemoveEmptyEntries);
        Array.Sort(words, StringComparer.Ordinal);
        return string.Join('-', words);
    }

    /// <summary>PEP 503 normalization that also accepts names that are not valid project names (spaces, other symbols).</summary>
    public static string Normalize(string name)
    {
        var buffer = new char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (c is '-' or '_' or '.' or ' ')
            {
                if (length > 0 && buffer[length - 1] != '-')
                {
                    buffer[length++] = '-';
                }
            }
            else
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        while (length > 0 && buffer[length - 1] == '-')
        {
            length--;
        }

        return new string(buffer, 0, length);
    }
}
