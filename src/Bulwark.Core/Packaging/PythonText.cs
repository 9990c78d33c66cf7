using System.Globalization;
using System.Text;

namespace Bulwark.Core.Packaging;

/// <summary>Python string conventions that client-visible messages and parsers must reproduce.</summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace</c>: Unicode white space plus the ASCII separators U+001C–U+001F.</summary>
    public static bool IsWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary>Strips leading and trailing Python white space.</summary>
    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsWhitespace(text[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Python's <c>repr()</c> of a string, as it appears in messages built with <c>{value!r}</c>.</summary>
    public static string Repr(string value)
    {
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        var builder = new StringBuilder(value.Length + 2).Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case var q when q == quote: builder.Append('\\').Append(q); break;
                case < ' ' or '\x7f':
                    builder.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default: builder.Append(c); break;
            }
        }

        return builder.Append(quote).ToString();
    }
}
