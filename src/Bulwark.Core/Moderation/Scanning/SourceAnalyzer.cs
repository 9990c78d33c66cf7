namespace Bulwark.Core.Moderation.Scanning;

/// <summary>What kind of file a Python source is, which decides when its code runs.</summary>
internal enum FileKind
{
    /// <summary>An sdist's setup.py: runs at install.</summary>
    Setup,

    /// <summary>A .pth file (or sitecustomize): runs at every interpreter start.</summary>
    Startup,

    /// <summary>A module of the package.</summary>
    Module,

    /// <summary>A script the user runs by hand.</summary>
    Script,

    /// <summary>Tests, docs, examples.</summary>
    Test,
}

/// <summary>
/// Runs the rules over one Python source: call-level rules (what is executed, started, fetched), string rules
/// (where data goes, what is read), combinations within a function or a file, and the textual tricks of
/// obfuscators. Payloads hidden in <c>exec</c> arguments are decoded and analysed in turn, with the placement
/// of the <c>exec</c> that would run them. Not thread-safe: one instance per scan.
/// </summary>
internal sealed partial class SourceAnalyzer(ScanOptions options)
{
    private readonly List<PythonToken> _tokens = new(4096);

    private int MaxPayloadDepth => options.MaxPayloadDepth;

    /// <summary>The findings for <paramref name="source"/> as a file of kind <paramref name="kind"/>.</summary>
    public List<RawFinding> Analyze(string source, FileKind kind)
    {
        var findings = new List<RawFinding>();
        _childRuns = 0;
        Run(source, kind, depth: 0, forced: null, findings, origin: "");
        return findings;
    }

    private void Run(string source, FileKind kind, int depth, (Placement Placement, int Line)? forced, List<RawFinding> findings, string origin)
    {
        // Top-level files share one token buffer (they are analysed one after another); a payload decoded inside
        // a file is analysed while that file's model is still in use, so it gets its own.
        var model = CodeModel.Build(source, options.MaxTokensPerFile, depth == 0 ? _tokens : null);
        var run = new FileRun(this, model, kind, depth, forced, findings, origin);
        run.CallRules();
        run.StringRules();
        run.Combinations();
        run.TextRules();
        if (model.Truncated && depth == 0)
        {
            findings.Add(new RawFinding("file-truncated", 0, $"only the first {options.MaxTokensPerFile} tokens were scanned",
                ScanRules.Score("file-truncated", Placement.Load)));
        }
    }

    /// <summary>What the rules learn about one function (or the module level, key 0) while they walk the file.</summary>
    private sealed class FunctionFacts
    {
        public Capability Capabilities;
        public Signal Signals;
        public bool EnvironmentDump;
        public bool SocketCall;
        public bool ShellString;
        public Placement Placement = Placement.Test;
        public int Line;
        public string Evidence = "";
        public (int Line, string Evidence)? Secret;
        public (int Line, string Evidence)? Send;
    }

    private sealed partial class FileRun(SourceAnalyzer analyzer, CodeModel model, FileKind kind, int depth, (Placement Placement, int Line)? forced, List<RawFinding> findings,
        string origin)
    {
        private readonly Dictionary<int, FunctionFacts> _functions = [];
        private readonly FunctionFacts _file = new();
        private readonly Dictionary<Signal, (Placement Placement, int Line, string Evidence)> _signalSites = [];
        private (Placement Placement, int Line, string Evidence)? _spyware;

        private Placement Place(Scope scope) => forced?.Placement ?? kind switch
        {
            FileKind.Setup => Placement.Install,
            FileKind.Startup => Placement.Startup,
            FileKind.Test => Placement.Test,
            FileKind.Script => Placement.Deferred,
            _ => model.RunsOnLoad(scope) ? Placement.Load : Placement.Deferred,
        };

        private void Add(string rule, Placement placement, int line, string evidence, int? score = null)
        {
            var points = score ?? ScanRules.Score(rule, placement);
            if (points > 0)
            {
                // Findings in nested code say where they came from (a decoded payload, a child interpreter's program).
                findings.Add(new RawFinding(rule, forced?.Line ?? line, origin + evidence, points));
            }
        }

        private FunctionFacts Facts(Scope scope, int line, string evidence)
        {
            var key = CodeModel.FunctionOf(scope);
            if (!_functions.TryGetValue(key, out var facts))
            {
                _functions[key] = facts = new FunctionFacts { Line = line, Evidence = evidence };
            }
            else if (facts.Evidence.Length == 0)
            {
                (facts.Line, facts.Evidence) = (line, evidence);
            }

            var placement = Place(scope);
            if (placement < facts.Placement)
            {
                facts.Placement = placement;
            }

            if (placement < _file.Placement)
            {
                _file.Placement = placement;
            }

            return facts;
        }

        /// <summary>The source text of a call, whitespace folded, at most 200 characters.</summary>
        private string Snippet(int firstToken, int lastToken)
        {
            var tokens = model.Tokens;
            var start = tokens[firstToken].Start;
            var lastIndex = Math.Min(lastToken, tokens.Count - 1);
            var end = tokens[lastIndex].Kind == TokenKind.EndOfStatement ? start + 1 : tokens[lastIndex].Start + tokens[lastIndex].Length;
            var length = Math.Clamp(end - start, 0, 400);
            var text = string.Join(' ', model.Source.Substring(start, Math.Min(length, model.Source.Length - start))
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= 200 ? text : text[..200] + "...";
        }

        private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "...";
    }
}
