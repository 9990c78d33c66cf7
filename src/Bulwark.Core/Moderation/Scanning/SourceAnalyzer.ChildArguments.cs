using System.Text;
using System.Text.RegularExpressions;

namespace Bulwark.Core.Moderation.Scanning;

internal sealed partial class SourceAnalyzer
{
    /// <summary>How many child programs and nested commands one file may have analysed (each builds a model of its own).</summary>
    private const int MaxChildRuns = 64;

    /// <summary>The longest command or code built by putting known values into a format string.</summary>
    private const int MaxSubstitutedLength = 1 << 20;

    /// <summary>How many interpreter invocations or heredocs are read in one command line.</summary>
    private const int MaxMatchesPerCommand = 16;

    private int _childRuns;

    [GeneratedRegex(@"^(?:python[0-9.]*w?|py|pypy[0-9.]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex PythonName();

    // A program name (after a path separator, a quote or a shell operator) followed by options and -c (or cmd's
    // /c); the code is the next word. A placeholder ({sys.executable}, %s, $PYTHON) is a program filled in at run
    // time: its word is read as Python when it looks like Python. The one-character look-behind keeps the search linear on hostile strings.
    [GeneratedRegex(@"(?<=^|[\s'""`;|&(/\\])(?<program>python[0-9.]*w?|py|pypy[0-9.]*|(?:ba|z|da|k)?sh|cmd|\{[\w.]{0,40}\}|%s|\$\{?\w{1,40}\}?)(?:\.exe)?['""]?(?:\s+-(?!c\b)[A-Za-z]+)*\s+[-/]c\s+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex InterpreterDashC();

    // python - <<EOF (quoted or not, <<- too): the lines up to the tag are the program. Only the header is matched
    // by the expression (its line bounded); the body is found with IndexOf, a bounded number of times.
    [GeneratedRegex(@"python[0-9.]*(?:\.exe)?(?:\s+-[A-Za-z]+)*\s+(?:-\s*)?<<-?\s*['""]?(?<tag>\w{1,64})['""]?[^\n]{0,200}\n", RegexOptions.CultureInvariant)]
    private static partial Regex Heredoc();

    // A Python started with no program (or "-"): it reads one from its standard input.
    [GeneratedRegex(@"(?<![\w.-])python[0-9.]*(?:\.exe)?(?:\s+-[A-Za-z]+)*(?:\s+-)?\s*(?:$|[|;&<])", RegexOptions.CultureInvariant)]
    private static partial Regex StdinPython();

    private sealed partial class FileRun
    {
        /// <summary>The first token of the argument after the one ending at <paramref name="t"/>, or <paramref name="close"/>.</summary>
        private int NextArgument(int t, int close) =>
            t + 2 < close && model.Tokens[t + 1].Is(model.Source, ",") ? t + 2 : close;

        /// <summary>The end of the argument starting at <paramref name="start"/>: a comma or the bracket closing its list.</summary>
        private int ArgEnd(int start, int close)
        {
            var level = 0;
            for (var t = start; t < close; t++)
            {
                if (model.Tokens[t] is not { Kind: TokenKind.Op, Length: 1 } token)
                {
                    continue;
                }

                var c = model.Source[token.Start];
                if (c is '(' or '[' or '{')
                {
                    level++;
                }
                else if (c is ')' or ']' or '}' && --level < 0)
                {
                    return t;
                }
                else if (c == ',' && level == 0)
                {
                    return t;
                }
            }

            return close;
        }

        /// <summary>
        /// The text of an expression handed to a child as code: folded when the folder can; a name's last assignment
        /// in the function; otherwise its string parts up to a <c>%</c> or <c>.format</c> (the placeholders stay, the
        /// shape of the code is what the rules read).
        /// </summary>
        private string? CodeOf(int start, int end, Scope scope, bool followName = true)
        {
            if (start >= end)
            {
                return null;
            }

            if (new ConstantFolder(model).Fold(start, end) is { } folded)
            {
                return folded;
            }

            if (end - start == 1 && model.Tokens[start].Kind == TokenKind.Name && followName)
            {
                return AssignmentOf(model.Text(start), start, scope) is var (from, to) && from < to ? CodeOf(from, to, scope, followName: false) : null;
            }

            var text = new StringBuilder();
            for (var t = start; t < end; t++)
            {
                var token = model.Tokens[t];
                if (token.Is(model.Source, "%") || (token.Is(model.Source, ".") && t + 2 < end && model.Text(t + 1) == "format" && model.Tokens[t + 2].Is(model.Source, "(")))
                {
                    // "%s -c %r" % (sys.executable, CODE), "{} -c '{}'".format(...): the operands that can be read are
                    // put in; the others leave their placeholder.
                    var percent = token.Is(model.Source, "%");
                    var open = percent ? t + 1 : t + 2;
                    var tuple = open < end && model.Tokens[open].Is(model.Source, "(");
                    var close = tuple ? model.MatchingClose(open, end) : ArgEnd(open, end);
                    var values = new List<string?>();
                    for (var arg = tuple ? open + 1 : open; arg < close && values.Count < 16; arg = ArgEnd(arg, close) + 1)
                    {
                        values.Add(CodeOf(arg, ArgEnd(arg, close), scope, followName));
                    }

                    return Substitute(text.ToString(), values, percent);
                }

                if (token.Kind == TokenKind.String)
                {
                    text.Append(model.StringValue(t));
                }
                else if (token.Kind == TokenKind.Name && model.ConstantOf(model.Text(t)) is { } constant)
                {
                    text.Append(constant);
                }
                else if (IsSysExecutable(t))
                {
                    text.Append("python");
                }
            }

            return text.Length == 0 ? null : text.ToString();
        }

        /// <summary><paramref name="format"/> with its <c>%s</c>/<c>%r</c> (or <c>{}</c>/<c>{0}</c>) placeholders replaced by the known values, capped in size.</summary>
        private static string Substitute(string format, List<string?> values, bool percent)
        {
            var result = new StringBuilder();
            var next = 0;
            for (var i = 0; i < format.Length && result.Length < MaxSubstitutedLength; i++)
            {
                if (percent && format[i] == '%' && i + 1 < format.Length && format[i + 1] is 's' or 'r' or 'd')
                {
                    var value = next < values.Count ? values[next++] : null;
                    result.Append(value is null ? format.AsSpan(i, 2) : format[i + 1] != 'r' ? value : Repr(value));
                    i++;
                    continue;
                }

                var close = percent || format[i] != '{' ? -1 : format.IndexOf('}', i);
                if (close > i && close - i <= 40)
                {
                    var field = format[(i + 1)..close];
                    var index = field.Length == 0 ? next++ : int.TryParse(field, out var n) ? n : -1;
                    result.Append(index >= 0 && index < values.Count && values[index] is { } value ? value : format.AsSpan(i, close - i + 1));
                    i = close;
                    continue;
                }

                result.Append(format[i]);
            }

            return result.ToString();
        }

        /// <summary>Python's repr of a string, as far as quoting goes: single quotes unless the text holds one and no double quote.</summary>
        private static string Repr(string value) => value.Contains('\'') && !value.Contains('"') ? $"\"{value}\"" : $"'{value}'";

        private bool IsSysExecutable(int t) =>
            model.Tokens[t].Kind == TokenKind.Name && model.Text(t) == "executable" && t > 1 && model.Tokens[t - 1].Is(model.Source, ".") && model.Text(t - 2) == "sys";

        /// <summary>Whether a program named only at run time was given Python (an import, an exec, an eval).</summary>
        private static bool LooksLikePython(string code) =>
            code.Contains("import", StringComparison.Ordinal) || code.Contains("exec(", StringComparison.Ordinal) || code.Contains("eval(", StringComparison.Ordinal);

        /// <summary>
        /// <c>[PYTHON, "-c", CODE]</c> where the program is an expression (a variable, <c>shutil.which(...)</c>): the
        /// code is read as Python when it looks like Python. A program named by a literal that is not an interpreter
        /// (<c>git -c key=value</c>) is not.
        /// </summary>
        private void UnknownProgramCode(int open, int close, Scope scope, Placement placement, int line)
        {
            for (var t = open + 3; t + 2 < close; t++)
            {
                if (model.Tokens[t].Kind != TokenKind.String || model.StringValue(t) != "-c" || !model.Tokens[t - 1].Is(model.Source, ",")
                    || !model.Tokens[t + 1].Is(model.Source, ","))
                {
                    continue;
                }

                var program = t - 2;
                while (program > open + 2 && model.Tokens[program].Kind == TokenKind.String && model.StringValue(program).StartsWith('-')
                    && model.Tokens[program - 1].Is(model.Source, ","))
                {
                    program -= 2;
                }

                if (model.Tokens[program].Kind != TokenKind.String && InterpreterAt(program) == Interpreter.None
                    && CodeOf(t + 2, ArgEnd(t + 2, close), scope) is { } code && LooksLikePython(code))
                {
                    RunChild(code, placement, line, depth + 1);
                }
            }
        }

        /// <summary>The expression last assigned to <paramref name="name"/> before <paramref name="before"/> in the same function.</summary>
        private (int From, int To)? AssignmentOf(string name, int before, Scope scope)
        {
            var function = CodeModel.FunctionOf(scope);
            for (var t = before - 1; t > 0; t--)
            {
                if (model.Tokens[t].Is(model.Source, "=") && model.Tokens[t - 1].Kind == TokenKind.Name && model.Text(t - 1) == name
                    && (t < 2 || model.Tokens[t - 2].Kind == TokenKind.EndOfStatement) && CodeModel.FunctionOf(model.ScopeAt(t)) == function)
                {
                    var to = t + 1;
                    while (to < before && model.Tokens[to].Kind != TokenKind.EndOfStatement)
                    {
                        to++;
                    }

                    return (t + 1, to);
                }
            }

            return null;
        }

        /// <summary>
        /// A Python reading its program from stdin (<c>p = Popen([sys.executable, "-"], stdin=PIPE)</c>): what the
        /// function later writes to it (<c>p.communicate(x)</c>, <c>p.stdin.write(x)</c>), or gives as <c>input=</c>, is
        /// the program. Downloaded or decoded data there is run as it would be by exec; constant code is analysed.
        /// </summary>
        private void StdinCode(CallSite call, Placement placement)
        {
            for (var t = call.Open + 1; t + 2 < call.Close; t++)
            {
                if (model.Tokens[t].Is(model.Source, "input") && model.Tokens[t + 1].Is(model.Source, "=")
                    && CodeOf(t + 2, ArgEnd(t + 2, call.Close), call.Scope) is { } input)
                {
                    RunChild(input, placement, forced?.Line ?? call.Line, depth + 1);
                }
            }

            string? child = null;
            if (call.Token >= 2 && model.Tokens[call.Token - 1].Is(model.Source, "=") && model.Tokens[call.Token - 2].Kind == TokenKind.Name)
            {
                child = model.Text(call.Token - 2);
            }
            else if (call.Close + 2 < model.Tokens.Count && model.Tokens[call.Close + 1].Is(model.Source, "as") && model.Tokens[call.Close + 2].Kind == TokenKind.Name)
            {
                child = model.Text(call.Close + 2);
            }

            if (call.Close + 3 < model.Tokens.Count && model.Tokens[call.Close + 1].Is(model.Source, ".") && model.Text(call.Close + 2) == "communicate"
                && model.Tokens[call.Close + 3].Is(model.Source, "("))
            {
                WrittenToStdin(call.Token, call.Close + 3, call.Scope, placement); // Popen(...).communicate(data)
            }

            var function = CodeModel.FunctionOf(call.Scope);
            for (var t = call.Close + 1; child is not null && t + 4 < model.Tokens.Count; t++)
            {
                if (model.Tokens[t].Kind != TokenKind.Name || model.Text(t) != child || !model.Tokens[t + 1].Is(model.Source, ".")
                    || CodeModel.FunctionOf(model.ScopeAt(t)) != function)
                {
                    continue;
                }

                var open = model.Text(t + 2) == "communicate" && model.Tokens[t + 3].Is(model.Source, "(") ? t + 3
                    : model.Text(t + 2) == "stdin" && t + 6 < model.Tokens.Count && model.Tokens[t + 3].Is(model.Source, ".")
                        && model.Text(t + 4) == "write" && model.Tokens[t + 5].Is(model.Source, "(") ? t + 5 : -1;
                if (open < 0)
                {
                    continue;
                }

                WrittenToStdin(t, open, call.Scope, placement);
            }
        }

        /// <summary>What <c>communicate(...)</c> or <c>stdin.write(...)</c> (its bracket at <paramref name="open"/>) gives a Python as its program.</summary>
        private void WrittenToStdin(int first, int open, Scope scope, Placement placement)
        {
            var close = model.MatchingClose(open, model.Tokens.Count);
            var evidence = Snippet(first, close);
            var flow = model.FlowInto(open + 1, close, scope);
            if ((flow & Capability.Network) != 0)
            {
                Add("download-execute", placement, model.Tokens[first].Line, "written to a Python's stdin: " + evidence);
            }
            else if ((flow & Capability.Decode) != 0)
            {
                Add("exec-encoded-payload", placement, model.Tokens[first].Line, "written to a Python's stdin: " + evidence);
            }
            else if (CodeOf(open + 1, ArgEnd(open + 1, close), scope) is { } code)
            {
                RunChild(code, placement, forced?.Line ?? model.Tokens[first].Line, depth + 1);
            }
        }
    }
}
