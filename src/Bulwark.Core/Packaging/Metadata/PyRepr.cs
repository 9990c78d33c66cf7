using System.Globalization;
using System.Text;

namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// Formats values the way Python's <c>repr()</c> does, so that error messages quote user input exactly as
/// PyPI's messages do (clients and people compare them).
/// </summary>
public static class PyRepr
{
    /// <summary>
    /// Python's <c>repr(str)</c>: single quotes unless the text holds a single quote and no double quote. A value
    /// longer than <see cref="PythonText.MaxQuotedLength"/> characters is cut and followed by <c>...</c> after
    /// the closing quote, so that a refusal never echoes an attacker's megabytes back (see <see cref="PythonText.Quotable"/>).
    /// </summary>
    public static string Str(string? value)
    {
        if (value is null)
        {
            return "None";
        }

        value = PythonText.Quotable(value, out var cut);
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(value.Length + 2);
        sb.Append(quote);
        foreach (var rune in value.EnumerateRunes())
        {
            var c = rune.Value;
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(quote);
                    }
                    else if (IsPrintable(rune))
                    {
                        sb.Append(rune.ToString());
                    }
                    else if (c <= 0xFF)
                    {
                        sb.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (c <= 0xFFFF)
                    {
                        sb.Append("\\u").Append(c.ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append("\\U").Append(c.ToString("x8", CultureInfo.InvariantCulture));
                    }

                    break;
            }
        }

        sb.Append(quote);
        if (cut)
        {
            sb.Append("...");
        }

        return sb.ToString();
    }

    /// <summary>Python's <c>repr(list_of_str)</c>, e.g. <c>['a', 'b']</c>.</summary>
    public static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Str)) + "]";

    private static bool IsPrintable(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        var category = Rune.GetUnicodeCategory(rune);
        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }
}
