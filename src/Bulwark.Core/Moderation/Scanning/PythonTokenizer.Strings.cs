using System.Globalization;
using System.Text;

namespace Bulwark.Core.Moderation.Scanning;

/// <summary>String literals: reading them, and decoding their escapes when a rule asks for their text.</summary>
internal static partial class PythonTokenizer
{
    private static readonly System.Buffers.SearchValues<char> DoubleQuoteStops = System.Buffers.SearchValues.Create("\\\"\n\r");
    private static readonly System.Buffers.SearchValues<char> SingleQuoteStops = System.Buffers.SearchValues.Create("\\'\n\r");

    /// <summary>Reads a string literal whose prefix starts at <paramref name="start"/> and quote at <paramref name="quoteAt"/>.</summary>
    private static int ReadString(string source, int start, int quoteAt, StringFlags flags, List<PythonToken> tokens, ref int line, int indent)
    {
        var quote = source[quoteAt];
        var triple = quoteAt + 2 < source.Length && source[quoteAt + 1] == quote && source[quoteAt + 2] == quote;
        if (triple)
        {
            flags |= StringFlags.Triple;
        }

        var bodyStart = quoteAt + (triple ? 3 : 1);
        var firstLine = line;
        var i = bodyStart;
        var bodyEnd = source.Length;
        var end = source.Length;
        while (i < source.Length)
        {
            // Skip to the next backslash, quote or line end in one pass.
            var next = source.AsSpan(i).IndexOfAny(quote == '"' ? DoubleQuoteStops : SingleQuoteStops);
            if (next < 0)
            {
                i = source.Length;
                break;
            }

            i += next;
            var c = source[i];
            if (c == '\\' && i + 1 < source.Length)
            {
                if (source[i + 1] == '\n' || (source[i + 1] == '\r'))
                {
                    line++;
                    if (source[i + 1] == '\r' && i + 2 < source.Length && source[i + 2] == '\n')
                    {
                        i++;
                    }
                }

                i += 2;
                continue;
            }

            if (c == quote && (!triple || (i + 2 < source.Length && source[i + 1] == quote && source[i + 2] == quote)))
            {
                bodyEnd = i;
                end = i + (triple ? 3 : 1);
                break;
            }

            if (c is '\n' or '\r')
            {
                if (!triple)
                {
                    // An unterminated one-line string ends at the line's end, as the reader would see it.
                    bodyEnd = end = i;
                    break;
                }

                if (c == '\r' && i + 1 < source.Length && source[i + 1] == '\n')
                {
                    i++;
                }

                line++;
            }

            i++;
        }

        var body = source.AsSpan(bodyStart, Math.Max(0, bodyEnd - bodyStart));
        // Most literals have no escape and are read by no rule: they stay slices of the source until asked for
        // (ValueOf), which spares an allocation per literal. An unterminated literal is decoded now, as its end
        // cannot be found again from the token.
        var terminated = end == bodyEnd + (triple ? 3 : 1);
        var value = terminated && (flags.HasFlag(StringFlags.Raw) || !body.Contains('\\')) ? null
            : flags.HasFlag(StringFlags.Raw) ? body.ToString() : Unescape(body);
        tokens.Add(new PythonToken(TokenKind.String, start, end - start, firstLine, indent, value, flags));
        return end;
    }

    /// <summary>The text of string token <paramref name="token"/> of <paramref name="source"/>, decoded.</summary>
    public static string ValueOf(string source, PythonToken token) =>
        token.Value ?? (token.Kind == TokenKind.String ? source.Substring(BodyStart(source, token), BodyLength(source, token)) : "");

    /// <summary>The body of a string token as a slice of the source when it needs no decoding (else its decoded value).</summary>
    public static ReadOnlySpan<char> SpanOf(string source, PythonToken token) =>
        token.Value is { } value ? value : source.AsSpan(BodyStart(source, token), BodyLength(source, token));

    private static int BodyStart(string source, PythonToken token)
    {
        var quote = token.Start;
        while (source[quote] is not ('"' or '\''))
        {
            quote++;
        }

        return quote + (token.Flags.HasFlag(StringFlags.Triple) ? 3 : 1);
    }

    private static int BodyLength(string source, PythonToken token) =>
        token.Start + token.Length - (token.Flags.HasFlag(StringFlags.Triple) ? 3 : 1) - BodyStart(source, token);

    /// <summary>Decodes Python escape sequences (\n, \xNN, \uNNNN, \UNNNNNNNN, octal); \N{...} is kept as written.</summary>
    internal static string Unescape(ReadOnlySpan<char> body)
    {
        var backslash = body.IndexOf('\\');
        if (backslash < 0)
        {
            return body.ToString();
        }

        var builder = new StringBuilder(body.Length);
        builder.Append(body[..backslash]);
        for (var i = backslash; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\' || i + 1 >= body.Length)
            {
                builder.Append(c);
                continue;
            }

            var e = body[++i];
            switch (e)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case '0' or '1' or '2' or '3' or '4' or '5' or '6' or '7':
                    var octal = 0;
                    var digits = 0;
                    while (digits < 3 && i < body.Length && body[i] is >= '0' and <= '7')
                    {
                        octal = octal * 8 + (body[i] - '0');
                        i++;
                        digits++;
                    }

                    i--;
                    builder.Append((char)octal);
                    break;
                case 'x' or 'u' or 'U':
                    var count = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + count < body.Length && int.TryParse(body.Slice(i + 1, Math.Min(count, body.Length - i - 1)), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)
                        && !body.Slice(i + 1, count).ContainsAny(' ', '\t'))
                    {
                        builder.Append(code <= 0xFFFF ? ((char)code).ToString() : code <= 0x10FFFF ? char.ConvertFromUtf32(code) : "\uFFFD");
                        i += count;
                    }
                    else
                    {
                        builder.Append('\\').Append(e);
                    }

                    break;
                case '\n' or '\r': break;
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'v': builder.Append('\v'); break;
                case '\\' or '\'' or '"': builder.Append(e); break;
                default: builder.Append('\\').Append(e); break;
            }
        }

        return builder.ToString();
    }
}
