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

    /// <summary>
    /// The most characters of a value that a message quotes. Refusal messages go back to whoever sent the
    /// value: quoting it whole would let one request make the index echo megabytes (and write them to the
    /// reason phrase and the logs), so longer values are cut here and marked with <c>...</c>.
    /// </summary>
    public const int MaxQuotedLength = 100;

    /// <summary>
    /// The part of <paramref name="value"/> a message may quote: at most <see cref="MaxQuotedLength"/>
    /// characters, never ending inside a surrogate pair; <paramref name="cut"/> tells whether anything was left out.
    /// </summary>
    public static string Quotable(string value, out bool cut)
    {
        cut = value.Length > MaxQuotedLength;
        if (!cut)
        {
            return value;
        }

        var length = char.IsHighSurrogate(value[MaxQuotedLength - 1]) ? MaxQuotedLength - 1 : MaxQuotedLength;
        return value[..length];
    }

    /// <summary>
    /// <paramref name="value"/> cut to <see cref="MaxQuotedLength"/> characters with <c>...</c> appended when
    /// it was longer: for messages that show a value without quotes.
    /// </summary>
    public static string Shorten(string value)
    {
        var shown = Quotable(value, out var cut);
        return cut ? shown + "..." : shown;
    }

    /// <summary>
    /// Python's <c>repr()</c> of a string, as it appears in messages built with <c>{value!r}</c>; a value
    /// longer than <see cref="MaxQuotedLength"/> is cut and followed by <c>...</c> after the closing quote.
    /// </summary>
    public static string Repr(string value)
    {
        value = Quotable(value, out var cut);
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        var builder = new StringBuilder(value.Length + 5).Append(quote);
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

        return builder.Append(quote).Append(cut ? "..." : "").ToString();
    }
}
