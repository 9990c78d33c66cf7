namespace Bulwark.Core.Moderation.Scanning;

internal sealed partial class SourceAnalyzer
{
    private sealed partial class FileRun
    {
        private static readonly HashSet<string> CodeRunners = new(StringComparer.Ordinal)
        {
            "builtins.exec", "builtins.eval", "builtins.compile", "builtins.execfile", "types.FunctionType", "types.CodeType",
            "runpy.run_path", "marshal.loads", "pickle.loads", "cPickle.loads", "dill.loads",
        };

        private static readonly string[] HiddenWindowMarks =
        [
            "CREATE_NO_WINDOW", "DETACHED_PROCESS", "0x08000000", "0x00000008", "pythonw", "-windowstyle hidden", "-w hidden",
            "start /b", "startupinfo", "SW_HIDE", "nohup ", "setsid",
        ];

        public void CallRules()
        {
            foreach (var call in model.Calls)
            {
                var capability = call.Capability;
                if (call.Callee == "builtins.open" && OpensForWriting(call))
                {
                    capability |= Capability.FileWrite;
                }

                if (call.Callee is "os.path.join" or "pathlib.Path" or "pathlib.PurePath" or "pathlib.PureWindowsPath" or "ntpath.join" or "posixpath.join"
                    || call.Callee.EndsWith(".joinpath", StringComparison.Ordinal))
                {
                    JoinedPath(call);
                }

                if (call.Callee is "socket.socket" or "socket.create_connection")
                {
                    Facts(call.Scope, call.Line, Snippet(call.Token, call.Close)).SocketCall = true;
                }

                if (capability == Capability.None)
                {
                    continue;
                }

                var facts = Facts(call.Scope, call.Line, Snippet(call.Token, call.Close));
                facts.Capabilities |= capability;
                _file.Capabilities |= capability;
                var placement = Place(call.Scope);
                if ((capability & Capability.Spyware) != 0 && (_spyware is null || placement < _spyware.Value.Placement))
                {
                    _spyware = (placement, call.Line, Snippet(call.Token, call.Close));
                }

                if (CodeRunners.Contains(call.Callee))
                {
                    ExecRule(call, placement);
                }

                if ((capability & Capability.Process) != 0)
                {
                    ProcessRule(call, placement);
                }

                if ((capability & Capability.Network) != 0 && call.Callee != "socket.socket")
                {
                    facts.Send ??= (call.Line, Snippet(call.Token, call.Close));
                    Add("install-network", placement, call.Line, Snippet(call.Token, call.Close));
                }

                if ((capability & Capability.Resolve) != 0)
                {
                    DnsRule(call, placement);
                }
            }

            EnvironmentReferences();
            InstallHooks();
        }

        /// <summary>
        /// setup.py subclassing the install, develop or egg_info command and giving it side effects: code that runs
        /// on every install, which build steps (build_ext compiling C) have reason to do and install steps do not.
        /// </summary>
        private void InstallHooks()
        {
            if (kind != FileKind.Setup)
            {
                return;
            }

            foreach (var cls in model.Classes)
            {
                var hooked = cls.Bases.FirstOrDefault(b => b.Split('.')[^1] is "install" or "develop" or "egg_info" or "bdist_egg" or "easy_install" or "install_lib" or "install_scripts");
                var effect = hooked is null ? null : model.Calls.FirstOrDefault(c => c.Scope.Class == cls.Name
                    && (c.Capability & (Capability.Process | Capability.Network | Capability.Exec | Capability.FileWrite)) != 0);
                if (effect is not null)
                {
                    Add("install-hook", Placement.Install, effect.Line, $"class {cls.Name}({hooked}) runs {Snippet(effect.Token, effect.Close)}");
                }
            }
        }

        private void ExecRule(CallSite call, Placement placement)
        {
            var argsEnd = model.ArgumentEnd(call.Open + 1, call.Close);
            var flow = model.FlowInto(call.Open + 1, call.Close, call.Scope);
            var folder = new ConstantFolder(model);
            var payload = folder.Fold(call.Open + 1, argsEnd);
            var evidence = Snippet(call.Token, call.Close);
            var loader = call.Callee is "marshal.loads" or "pickle.loads" or "cPickle.loads" or "dill.loads";
            if ((flow & Capability.Network) != 0)
            {
                Add("download-execute", placement, call.Line, evidence);
            }
            else if ((flow & Capability.Decode) != 0 && (!loader || placement != Placement.Deferred))
            {
                Add("exec-encoded-payload", placement, call.Line, evidence);
            }
            else if (payload is not null && folder.Computed && !loader)
            {
                Add("exec-obfuscated-code", placement, call.Line, evidence);
            }

            // The payload itself: decoded, then analysed as code that runs where this exec runs.
            if (payload is { Length: > 0 } && depth < analyzer.MaxPayloadDepth && LooksLikeCode(payload))
            {
                analyzer.Run(payload, kind, depth + 1, (placement, forced?.Line ?? call.Line), findings, "in a decoded payload: ");
            }
        }

        private static bool LooksLikeCode(string text) => text.Contains('(') || text.Contains("import", StringComparison.Ordinal);

        private void ProcessRule(CallSite call, Placement placement)
        {
            var command = CommandText(call);
            var evidence = Snippet(call.Token, call.Close);
            var (signals, _) = StringSignals.Classify(command);
            if ((signals & Signal.ShellDownloader) != 0)
            {
                Add("shell-downloader", placement, call.Line, evidence);
            }

            if ((signals & Signal.ReverseShell) != 0)
            {
                Add("reverse-shell", placement, call.Line, evidence);
            }

            if ((signals & Signal.Shell) != 0)
            {
                Facts(call.Scope, call.Line, evidence).ShellString = true;
            }

            var flow = model.FlowInto(call.Open + 1, call.Close, call.Scope);
            if ((flow & Capability.Network) != 0)
            {
                Add("download-execute", placement, call.Line, evidence);
            }
            else if ((flow & Capability.Decode) != 0)
            {
                // A command that only exists once decoded is hidden on purpose.
                Add("exec-encoded-payload", placement, call.Line, evidence);
            }

            // python -c "...", sh -c "...", heredocs and stdin: the child's own code runs where this call runs.
            if (depth < analyzer.MaxPayloadDepth)
            {
                ChildCode(call, placement, command);
            }

            Add("install-process", placement, call.Line, evidence);
            if (placement is Placement.Install or Placement.Load && ReferencesOwnDirectory(call))
            {
                Add("runs-bundled-binary", placement, call.Line, evidence);
            }

            var raw = model.Source.Substring(model.Tokens[call.Open].Start,
                Math.Min(model.Tokens[Math.Min(call.Close, model.Tokens.Count - 1)].Start + 1, model.Source.Length) - model.Tokens[call.Open].Start);
            if (HiddenWindowMarks.Any(m => raw.Contains(m, StringComparison.OrdinalIgnoreCase) || command.Contains(m, StringComparison.OrdinalIgnoreCase)))
            {
                Add("hidden-process", placement, call.Line, evidence);
            }
        }

        /// <summary>
        /// A path built from parts (<c>os.path.join(appdata, "Google", "Chrome", "User Data", "Default", "Login Data")</c>)
        /// is classified as the joined string, so splitting a path into arguments does not hide what it points at.
        /// </summary>
        private void JoinedPath(CallSite call)
        {
            var parts = new List<string>();
            for (var t = call.Open + 1; t < call.Close; t++)
            {
                if (model.Tokens[t].Kind == TokenKind.String)
                {
                    parts.Add(model.StringValue(t).Trim('/', '\\'));
                }
            }

            if (parts.Count >= 2)
            {
                model.Strings.Add(new StringSite(-1, string.Join('/', parts), call.Line, call.Scope));
            }
        }

        /// <summary>The command a process call runs, as far as constants tell: its string arguments joined by spaces.</summary>
        private string CommandText(CallSite call)
        {
            var parts = new List<string>();
            for (var t = call.Open + 1; t < call.Close && parts.Count < 64; t++)
            {
                var token = model.Tokens[t];
                if (token.Kind == TokenKind.String)
                {
                    parts.Add(model.StringValue(t));
                }
                else if (token.Kind == TokenKind.Name && model.ConstantOf(model.Text(t)) is { } constant)
                {
                    parts.Add(constant);
                }
            }

            return string.Join(' ', parts);
        }

        private bool ReferencesOwnDirectory(CallSite call)
        {
            for (var t = call.Open + 1; t < call.Close; t++)
            {
                if (model.Tokens[t].Kind == TokenKind.Name && model.IsOwnPath(model.Text(t)))
                {
                    return true;
                }
            }

            return false;
        }

        private bool OpensForWriting(CallSite call)
        {
            for (var t = call.Open + 1; t < call.Close; t++)
            {
                if (model.Tokens[t] is { Kind: TokenKind.String, Length: <= 8 } && model.StringValue(t) is { Length: > 0 and <= 4 } mode
                    && mode.All(c => c is 'w' or 'a' or 'b' or 'x' or '+' or 't') && mode.IndexOfAny(['w', 'a', 'x']) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A DNS lookup of a name built at run time under a fixed domain: <c>gethostbyname(data + '.evil.tld')</c>.
        /// Each lookup carries the data to the domain's name server, past any HTTP egress filter.
        /// </summary>
        private void DnsRule(CallSite call, Placement placement)
        {
            var built = false;
            var domain = false;
            for (var t = call.Open + 1; t < call.Close; t++)
            {
                var token = model.Tokens[t];
                if (token.Is(model.Source, "+") || token.Is(model.Source, "%") || token.Is(model.Source, "format")
                    || (token.Kind == TokenKind.String && token.Flags.HasFlag(StringFlags.Formatted)) || token.Is(model.Source, "join"))
                {
                    built = true;
                }

                if (token.Kind == TokenKind.String && model.StringValue(t) is var value && value.Contains('.') && value.Trim('{', '}').Length > 3
                    && value.Split('.').Count(p => p.Length > 0 && p.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) >= 2)
                {
                    domain = true;
                }
            }

            if (built && domain)
            {
                Add("dns-exfiltration", placement, call.Line, Snippet(call.Token, call.Close));
            }
        }

        /// <summary><c>'X' in os.environ</c> asks about one variable; only <c>for k in os.environ</c> walks them all.</summary>
        private bool IsMembershipTest(Reference reference)
        {
            if (reference.Token == 0 || !model.Tokens[reference.Token - 1].Is(model.Source, "in"))
            {
                return false;
            }

            for (var t = reference.Token - 2; t >= 0 && model.Tokens[t].Kind != TokenKind.EndOfStatement; t--)
            {
                if (model.Tokens[t].Is(model.Source, "for"))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>os.environ</c> taken whole (iterated, copied, converted, sent) rather than read one variable at a time.</summary>
        private void EnvironmentReferences()
        {
            foreach (var reference in model.References)
            {
                var whole = reference.Name is "os.environ.items" or "os.environ.values" or "os.environ.copy" or "os.environ.keys"
                    || (reference.Name == "os.environ" && (reference.End >= model.Tokens.Count
                        || !(model.Tokens[reference.End].Is(model.Source, "[") || model.Tokens[reference.End].Is(model.Source, "."))) && !IsMembershipTest(reference));
                // env=os.environ hands the environment to a child process unchanged: that is not collecting it.
                if (whole && !(reference.Token > 1 && model.Tokens[reference.Token - 1].Is(model.Source, "=") && model.Tokens[reference.Token - 2].Is(model.Source, "env")))
                {
                    var facts = Facts(reference.Scope, reference.Line, Snippet(reference.Token, reference.End));
                    facts.EnvironmentDump = true;
                    facts.Secret ??= (reference.Line, "the whole environment: " + Snippet(reference.Token, reference.End));
                    _file.EnvironmentDump = true;
                }
            }
        }
    }
}
