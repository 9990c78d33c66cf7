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
internal static partial class PythonTokenizer
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
}
