using System.Text;
using System.Text.RegularExpressions;

namespace Bulwark.Core.Moderation.Scanning;

internal sealed partial class SourceAnalyzer
{
    /// <summary>What a program named in a command line is, as far as its name tells.</summary>
    private enum Interpreter
    {
        None,
        Python,
        Shell,
    }

    private const string ChildOrigin = "in code run by a child interpreter: ";

    /// <summary>
    /// Code handed to a child interpreter: <c>[sys.executable, "-c", CODE]</c>, <c>os.system('python3 -c "CODE"')</c>,
    /// <c>sh -c CMD</c>, <c>python - &lt;&lt;EOF</c> heredocs, and code written to a Python's stdin. Running code
    /// through a second interpreter changes nothing about what it does, so it is analysed as code, with the
    /// placement and line of the call that starts the child; the same depth limit as decoded payloads bounds it.
    /// </summary>
    private sealed partial class FileRun
    {
        private void ChildCode(CallSite call, Placement placement, string command)
        {
            var line = forced?.Line ?? call.Line;
            var (open, close) = (call.Open, call.Close);
            if (ArgEnd(call.Open + 1, call.Close) == call.Open + 2 && model.Tokens[call.Open + 1].Kind == TokenKind.Name
                && AssignmentOf(model.Text(call.Open + 1), call.Token, call.Scope) is var (from, to) && from < to
                && (model.Tokens[from].Is(model.Source, "[") || model.Tokens[from].Is(model.Source, "(")))
            {
                // cmd = [sys.executable, "-c", CODE]; subprocess.run(cmd): the vector is read where it was built.
                (open, close) = (from, model.MatchingClose(from, to));
            }

            var argv = ArgvCode(open, close, call.Scope, placement, line, out var readsStdin);
            UnknownProgramCode(open, close, call.Scope, placement, line);
            // A first argument that is not a vector is a command line: os.system, os.popen, shell=True, or Popen("...")
            // on Windows (sys.executable inside its format operands does not make it a vector).
            var first = open != call.Open || model.Tokens[call.Open + 1].Is(model.Source, "[") ? null
                : CodeOf(call.Open + 1, ArgEnd(call.Open + 1, call.Close), call.Scope);
            if (first is not null || !argv)
            {
                ShellCode(first ?? command, placement, line, depth + 1);
                readsStdin |= first is not null && StdinPython().IsMatch(first);
            }

            if (readsStdin)
            {
                StdinCode(call, placement);
            }
        }

        /// <summary>
        /// An argument vector holding <c>-c</c> after a Python or a shell: the next argument is code for it. Returns
        /// whether the call had an interpreter in its arguments; <paramref name="readsStdin"/> is set when a Python
        /// is given no program, so that it reads one from its standard input.
        /// </summary>
        private bool ArgvCode(int open, int close, Scope scope, Placement placement, int line, out bool readsStdin)
        {
            readsStdin = false;
            var found = false;
            for (var t = open + 1; t < close; t++)
            {
                var interpreter = InterpreterAt(t);
                if (interpreter == Interpreter.None)
                {
                    continue;
                }

                found = true;
                var next = NextArgument(t, close);
                while (next < close && model.Tokens[next].Kind == TokenKind.String && model.StringValue(next) is var option
                    && option.StartsWith('-') && option is not ("-c" or "-" or "/c"))
                {
                    next = NextArgument(next, close); // -I, -u, -S, -E...: options before -c.
                }

                var value = next < close && model.Tokens[next].Kind == TokenKind.String ? model.StringValue(next) : null;
                if (value is "-c" or "/c" && NextArgument(next, close) is var codeStart && codeStart < close
                    && CodeOf(codeStart, ArgEnd(codeStart, close), scope) is { } code)
                {
                    if (interpreter == Interpreter.Python)
                    {
                        RunChild(code, placement, line, depth + 1);
                    }
                    else
                    {
                        ShellCode(code, placement, line, depth + 1);
                    }
                }

                readsStdin |= interpreter == Interpreter.Python && (value is "-" || next >= close);
            }

            return found;
        }

        /// <summary>Whether the argument ending at token <paramref name="t"/> names an interpreter: a string naming one, <c>sys.executable</c>, or a name holding one.</summary>
        private Interpreter InterpreterAt(int t)
        {
            var token = model.Tokens[t];
            if (t + 1 >= model.Tokens.Count || !(model.Tokens[t + 1].Is(model.Source, ",") || model.Tokens[t + 1].Is(model.Source, "]") || model.Tokens[t + 1].Is(model.Source, ")")))
            {
                return Interpreter.None;
            }

            if (token.Kind == TokenKind.String)
            {
                return Classify(model.StringValue(t));
            }

            if (token.Kind != TokenKind.Name)
            {
                return Interpreter.None;
            }

            if (IsSysExecutable(t))
            {
                return Interpreter.Python;
            }

            var name = model.Text(t);

            return model.ConstantOf(name) is { } constant ? Classify(constant)
                : name.Contains("python", StringComparison.OrdinalIgnoreCase) ? Interpreter.Python : Interpreter.None;
        }

        private static Interpreter Classify(string program)
        {
            var name = program.Trim().Trim('"', '\'');
            name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..].ToLowerInvariant();
            if (name.EndsWith(".exe", StringComparison.Ordinal))
            {
                name = name[..^4];
            }

            return PythonName().IsMatch(name) ? Interpreter.Python
                : name is "sh" or "bash" or "zsh" or "dash" or "ksh" or "cmd" ? Interpreter.Shell
                : Interpreter.None;
        }

        /// <summary>A command line: the Python programs and shell commands inside it, and a heredoc fed to a Python.</summary>
        private void ShellCode(string command, Placement placement, int line, int level)
        {
            if (level > analyzer.MaxPayloadDepth || command.Length == 0)
            {
                return;
            }

            if (level > depth + 1)
            {
                // A command nested in another: its own signals were not seen by the process rule.
                var (signals, _) = StringSignals.Classify(command);
                if ((signals & Signal.ShellDownloader) != 0)
                {
                    Add("shell-downloader", placement, line, ChildOrigin + Clip(command));
                }
            }

            var match = InterpreterDashC().Match(command);
            for (var n = 0; match.Success && n < MaxMatchesPerCommand; n++, match = match.NextMatch())
            {
                var word = ShellWord(command, match.Index + match.Length);
                if (word.Length == 0)
                {
                    continue;
                }

                var program = Classify(match.Groups["program"].Value);
                if (program == Interpreter.Python || (program == Interpreter.None && LooksLikePython(word)))
                {
                    RunChild(word, placement, line, level);
                }
                else if (program == Interpreter.Shell && analyzer._childRuns++ < MaxChildRuns)
                {
                    ShellCode(word, placement, line, level + 1);
                }
            }

            var heredoc = Heredoc().Match(command);
            for (var n = 0; heredoc.Success && n < MaxMatchesPerCommand; n++, heredoc = heredoc.NextMatch())
            {
                var bodyStart = heredoc.Index + heredoc.Length;
                var end = command.IndexOf("\n" + heredoc.Groups["tag"].Value, bodyStart - 1, StringComparison.Ordinal);
                RunChild(command[bodyStart..(end < 0 ? command.Length : Math.Max(end, bodyStart))], placement, line, level);
            }
        }

        private void RunChild(string code, Placement placement, int line, int level)
        {
            // Every child analysis builds a model; a file cannot ask for more of them than the budget allows.
            if (level <= analyzer.MaxPayloadDepth && LooksLikeCode(code) && analyzer._childRuns++ < MaxChildRuns)
            {
                analyzer.Run(code, kind, level, (placement, line), findings, ChildOrigin);
            }
        }

        /// <summary>One shell word starting at <paramref name="at"/>: quoted ('...' literally, "..." with \ escapes) or bare.</summary>
        private static string ShellWord(string text, int at)
        {
            if (at >= text.Length)
            {
                return "";
            }

            var quote = text[at];
            if (quote == '\'')
            {
                var close = text.IndexOf('\'', at + 1);
                return close < 0 ? text[(at + 1)..] : text[(at + 1)..close];
            }

            var word = new StringBuilder();
            var inDouble = quote == '"';
            for (var i = inDouble ? at + 1 : at; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\\' && i + 1 < text.Length && (!inDouble || text[i + 1] is '"' or '\\' or '$' or '`'))
                {
                    word.Append(text[++i]);
                }
                else if (inDouble ? c == '"' : char.IsWhiteSpace(c) || c is ';' or '|' or '&')
                {
                    break;
                }
                else
                {
                    word.Append(c);
                }
            }

            return word.ToString();
        }
    }
}
