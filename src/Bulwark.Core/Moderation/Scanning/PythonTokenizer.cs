using System.Globalization;
using System.Text;

namespace Bulwark.Core.Moderation.Scanning;

/// <summary>
/// A tokenizer for Python source, written for scanning rather than for running code: it never fails (a
/// malformed file yields the tokens up to where it stops making sense), it caps the number of tokens, and it
/// keeps what matters to the rules. Strings of every kind (prefixes r/b/u/f in any case and combination, single
/// or triple quotes) become one token carrying the decoded text; comments disappear; newlines inside brackets and
/// backslash continuations join physical lines, so a call split over lines is one call to the rules.
/// </summary>
internal static class PythonTokenizer
{
    /// <summary>
    /// Tokens of <paramref name="source"/>, at most <paramref name="maxTokens"/>; <paramref name="truncated"/> tells if
    /// the cap was hit. <paramref name="reuse"/>, when given, is cleared and filled instead of a new list, so that a
    /// scan of many files grows one token buffer instead of allocating one per file.
    /// </summary>
    public static List<PythonToken> Tokenize(string source, int maxTokens, out bool truncated, List<PythonToken>? reuse = null)
    {
        var tokens = reuse ?? new List<PythonToken>(Math.Min(maxTokens, source.Length / 8 + 16));
        tokens.Clear();
        var line = 1;
        var depth = 0;
        var indent = 0;
        var atLineStart = true;
        var i = 0;
        truncated = false;
        while (i < source.Length)
        {
            if (tokens.Count >= maxTokens)
            {
                truncated = true;
                break;
            }

            var c = source[i];
            if (atLineStart)
            {
                // Measure the indentation of a new logical line (tabs to the next multiple of 8, as Python does).
                var width = 0;
                var j = i;
                while (j < source.Length && source[j] is ' ' or '\t' or '\f')
                {
                    width = source[j] == '\t' ? (width / 8 + 1) * 8 : width + 1;
                    j++;
                }

                i = j;
                if (i >= source.Length)
                {
                    break;
                }

                c = source[i];
                if (c is '\n' or '\r' or '#')
                {
                    // Blank or comment-only lines do not start a logical line.
                    i = SkipComment(source, i);
                    i = SkipNewline(source, i, ref line);
                    continue;
                }

                indent = width;
                atLineStart = false;
            }

            switch (c)
            {
                case ' ' or '\t' or '\f':
                    var blank = source.AsSpan(i).IndexOfAnyExcept(' ', '\t', '\f');
                    i = blank < 0 ? source.Length : i + blank;
                    continue;
                case '#':
                    i = SkipComment(source, i);
                    continue;
                case '\\' when i + 1 < source.Length && source[i + 1] is '\n' or '\r':
                    i = SkipNewline(source, i + 1, ref line);
                    continue;
                case '\n' or '\r':
                    i = SkipNewline(source, i, ref line);
                    if (depth == 0)
                    {
                        EndStatement(tokens, line - 1, indent);
                        atLineStart = true;
                    }

                    continue;
            }

            if (IsIdentifierStart(c))
            {
                var start = i;
                // ASCII identifier characters in one vectorised pass; other letters one by one.
                var run = source.AsSpan(i).IndexOfAnyExcept(AsciiIdentifier);
                i = run < 0 ? source.Length : i + run;
                while (i < source.Length && IsIdentifierPart(source[i]))
                {
                    i++;
                }

                var quote = i < source.Length ? source[i] : '\0';
                if (quote is '"' or '\'' && i - start <= 3 && TryPrefix(source.AsSpan(start, i - start), out var flags))
                {
                    i = ReadString(source, start, i, flags, tokens, ref line, indent);
                    continue;
                }

                tokens.Add(new PythonToken(TokenKind.Name, start, i - start, line, indent));
                continue;
            }

            if (c is '"' or '\'')
            {
                i = ReadString(source, i, i, StringFlags.None, tokens, ref line, indent);
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1])))
            {
                var start = i;
                while (i < source.Length && (char.IsAsciiLetterOrDigit(source[i]) || source[i] is '_' or '.'
                    || (source[i] is '+' or '-' && source[i - 1] is 'e' or 'E' && !source.AsSpan(start, i - start).ContainsAny('x', 'X'))))
                {
                    i++;
                }

                tokens.Add(new PythonToken(TokenKind.Number, start, i - start, line, indent));
                continue;
            }

            if (c == ';')
            {
                EndStatement(tokens, line, indent);
                i++;
                continue;
            }

            var length = OperatorLength(source, i);
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth = Math.Max(0, depth - 1);
            }

            tokens.Add(new PythonToken(TokenKind.Op, i, length, line, indent));
            i += length;
        }

        EndStatement(tokens, line, indent);
        return tokens;
    }

    private static void EndStatement(List<PythonToken> tokens, int line, int indent)
    {
        if (tokens.Count > 0 && tokens[^1].Kind != TokenKind.EndOfStatement)
        {
            tokens.Add(new PythonToken(TokenKind.EndOfStatement, 0, 0, line, indent));
        }
    }

    private static int SkipComment(string source, int i)
    {
        if (i < source.Length && source[i] == '#')
        {
            var end = source.AsSpan(i).IndexOfAny('\n', '\r');
            return end < 0 ? source.Length : i + end;
        }

        return i;
    }

    private static int SkipNewline(string source, int i, ref int line)
    {
        if (i < source.Length && source[i] == '\r')
        {
            i++;
            if (i < source.Length && source[i] == '\n')
            {
                i++;
            }

            line++;
            return i;
        }

        if (i < source.Length && source[i] == '\n')
        {
            line++;
            return i + 1;
        }

        return i;
    }

    private static readonly System.Buffers.SearchValues<char> AsciiIdentifier =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || (c > 0x7F && char.IsLetter(c));

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || (c > 0x7F && (char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation));

    private static bool TryPrefix(ReadOnlySpan<char> prefix, out StringFlags flags)
    {
        flags = StringFlags.None;
        foreach (var p in prefix)
        {
            var flag = char.ToLowerInvariant(p) switch
            {
                'r' => StringFlags.Raw,
                'b' => StringFlags.Bytes,
                'f' => StringFlags.Formatted,
                'u' => StringFlags.None,
                _ => (StringFlags?)null,
            };
            if (flag is not { } f || (flags & f) != 0 && f != StringFlags.None)
            {
                return false;
            }

            flags |= f;
        }

        return !(flags.HasFlag(StringFlags.Bytes) && flags.HasFlag(StringFlags.Formatted));
    }

    private static int OperatorLength(string source, int i)
    {
        var c = source[i];
        var next = i + 1 < source.Length ? source[i + 1] : '\0';
        var third = i + 2 < source.Length ? source[i + 2] : '\0';
        if (char.IsSurrogate(c))
        {
            return next != '\0' ? 2 : 1;
        }

        if ((c == '.' && next == '.' && third == '.') || (c == next && c is '*' or '/' or '<' or '>' && third == '='))
        {
            return 3;
        }

        return (c, next) switch
        {
            ('*', '*') or ('/', '/') or ('<', '<') or ('>', '>') or ('-', '>') or (':', '=') => 2,
            ('=' or '!' or '<' or '>' or '+' or '-' or '*' or '/' or '%' or '&' or '|' or '^' or '@', '=') => 2,
            _ => 1,
        };
    }

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
