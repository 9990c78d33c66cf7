namespace Bulwark.Core.Moderation.Scanning;

internal sealed partial class SourceAnalyzer
{
    private sealed partial class FileRun
    {
        private const int HiddenRun = 100;
        private const int BlobLength = 20_000;
        private const int EscapedLineLength = 5_000;
        private const int ObfuscatedNameCount = 10;

        /// <summary>The obfuscators' textual marks: code pushed off screen, huge encoded literals, escaped-byte lines, junk names.</summary>
        public void TextRules()
        {
            var placement = Place(model.Scopes[0]);
            HiddenCode(placement);
            foreach (var site in model.Strings)
            {
                if (!site.Folded && model.Tokens[site.Token].Length >= BlobLength && model.StringValue(site.Token) is var value
                    && value.Length >= BlobLength && IsEncodedText(value))
                {
                    Add("encoded-blob", Place(site.Scope), site.Line, $"{value.Length:N0}-character encoded string \"{value[..40]}...\"");
                    break;
                }
            }

            EscapedLines(placement);
            ObfuscatedNames(placement);
        }

        /// <summary>
        /// A statement hidden far to the right of a line (W4SP's trick: <c>import os</c> followed by hundreds of spaces
        /// and <c>;__import__('builtins').exec(...)</c>), where an editor without wrapping never shows it.
        /// </summary>
        private void HiddenCode(Placement placement)
        {
            var source = model.Source;
            var spaces = new string(' ', 32);
            var at = 0;
            while ((at = source.IndexOf(spaces, at, StringComparison.Ordinal)) >= 0)
            {
                var end = at;
                while (end < source.Length && source[end] is ' ' or '\t')
                {
                    end++;
                }

                var lineStart = source.LastIndexOf('\n', Math.Max(at - 1, 0)) + 1;
                var codeBefore = source.AsSpan(lineStart, at - lineStart).Trim().Length > 0;
                if (end - at >= HiddenRun && codeBefore && end < source.Length && source[end] is not ('\n' or '\r' or '#'))
                {
                    var lineEnd = source.IndexOf('\n', end);
                    var tail = source.AsSpan(end, (lineEnd < 0 ? source.Length : lineEnd) - end);
                    if (tail.StartsWith(";") || tail.Contains("exec", StringComparison.Ordinal) || tail.Contains("import", StringComparison.Ordinal)
                        || tail.Contains("eval", StringComparison.Ordinal))
                    {
                        var line = LineOf(at);
                        var scope = model.Scopes[0];
                        Add("hidden-code", placement == Placement.Load && !AtModuleLevel(line) ? Placement.Deferred : Place(scope), line,
                            $"code after {end - at} spaces: {Clip(tail.ToString())}");
                        return;
                    }
                }

                at = end;
            }
        }

        private bool AtModuleLevel(int line)
        {
            foreach (var token in model.Tokens)
            {
                if (token.Line == line)
                {
                    return token.Indent == 0;
                }
            }

            return true;
        }

        private void EscapedLines(Placement placement)
        {
            var source = model.Source;
            var start = 0;
            var line = 1;
            while (start < source.Length)
            {
                var end = source.IndexOf('\n', start);
                if (end < 0)
                {
                    end = source.Length;
                }

                if (end - start >= EscapedLineLength)
                {
                    var span = source.AsSpan(start, end - start);
                    var escapes = span.Count("\\x") + span.Count("\\u") + span.Count("\\0");
                    if (escapes * 4 >= span.Length / 2)
                    {
                        Add("escaped-bytes", placement, line, $"{span.Length:N0}-character line of {escapes:N0} escape sequences: {Clip(span[..60].ToString())}");
                        return;
                    }
                }

                start = end + 1;
                line++;
            }
        }

        /// <summary>Identifiers made to be unreadable (<c>IlIlIlI</c>, <c>O0O0O0</c>, <c>________</c>) in numbers no person writes.</summary>
        private void ObfuscatedNames(Placement placement)
        {
            var names = new List<string>();
            string? armor = null;
            for (var t = 0; t < model.Tokens.Count; t++)
            {
                // Make sure every candidate spelling is in the model's name pool (attribute names may not be yet).
                if (model.Tokens[t] is { Kind: TokenKind.Name, Length: >= 4 } token && model.Source[token.Start] is '_' or 'I' or 'l' or 'O' or 'p')
                {
                    model.Text(t);
                }
            }

            foreach (var name in model.DistinctNames)
            {
                if (name.Length >= 4 && name[0] is '_' or 'I' or 'l' or 'O' && IsObfuscatedName(name))
                {
                    names.Add(name);
                }

                if (name is "__pyarmor__" or "__armor_enter__" or "__armor_exit__" or "__armor_wrap__" or "pyarmor_runtime" or "pytransform"
                    || name.StartsWith("pyarmor_runtime_", StringComparison.Ordinal))
                {
                    armor ??= name;
                }
            }

            if (armor is not null)
            {
                var t = FirstToken(armor);
                Add("pyarmor", placement, model.Tokens[t].Line, Snippet(t, Math.Min(t + 8, model.Tokens.Count - 1)));
            }

            if (names.Count >= ObfuscatedNameCount)
            {
                names.Sort(StringComparer.Ordinal);
                Add("obfuscated-names", placement, model.Tokens[FirstToken(names[0])].Line, $"{names.Count} unreadable identifiers such as {string.Join(", ", names.Take(4))}");
            }
        }

        private int FirstToken(string name)
        {
            for (var t = 0; t < model.Tokens.Count; t++)
            {
                if (model.Tokens[t].Kind == TokenKind.Name && model.Tokens[t].Length == name.Length && model.Text(t) == name)
                {
                    return t;
                }
            }

            return 0;
        }

        internal static bool IsObfuscatedName(string name)
        {
            if (name.Length < 6)
            {
                return name.Length >= 4 && name.All(c => c == '_');
            }

            int il = 0, o = 0, other = 0;
            bool hasI = false, hasL = false, hasO = false, hasZero = false;
            foreach (var c in name)
            {
                switch (c)
                {
                    case 'I': il++; hasI = true; break;
                    case 'l': il++; hasL = true; break;
                    case '1': il++; break;
                    case 'O': o++; hasO = true; break;
                    case '0': o++; hasZero = true; break;
                    case '_': break;
                    default: other++; break;
                }
            }

            return other == 0 && ((il >= 4 && hasI && hasL) || (o >= 4 && hasO && hasZero) || (il == 0 && o == 0));
        }

        private static bool IsEncodedText(string value)
        {
            var sample = value.AsSpan(0, Math.Min(value.Length, 4096));
            var encoded = 0;
            foreach (var c in sample)
            {
                if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_' or '\n' or '\\')
                {
                    encoded++;
                }
            }

            return encoded >= sample.Length * 98 / 100 && sample.Count(' ') == 0;
        }

        private int LineOf(int offset)
        {
            var line = 1;
            foreach (var c in model.Source.AsSpan(0, offset))
            {
                if (c == '\n')
                {
                    line++;
                }
            }

            return line;
        }
    }
}
