namespace Bulwark.Core.Moderation.Scanning;

/// <summary>Where code sits, which decides when it runs.</summary>
internal enum ScopeKind : byte
{
    /// <summary>Module level (or a class body, or a block of one): runs when the file is imported or executed.</summary>
    Module,

    /// <summary>A function body: runs only when called.</summary>
    Function,

    /// <summary>The <c>if __name__ == "__main__":</c> block: runs only when the file is run as a script.</summary>
    MainGuard,
}

/// <summary>A block that changes when code runs: a function, a class body, a main guard.</summary>
internal sealed record Scope(int Id, ScopeKind Kind, string? Function, string? Class, Scope? Parent)
{
    /// <summary>Whether the code runs as soon as the module does (module level, class bodies at module level).</summary>
    public bool RunsOnLoad => Kind == ScopeKind.Module;
}

/// <summary>A resolved name in the code: <c>os.system</c> however it was imported, aliased or spelt.</summary>
internal sealed record Reference(string Name, int Token, int End, int Line, Scope Scope);

/// <summary>A call of a resolved name; <see cref="Open"/> and <see cref="Close"/> are the parentheses' token indexes.</summary>
internal sealed record CallSite(string Callee, int Token, int Open, int Close, int Line, Scope Scope, Capability Capability);

/// <summary>
/// A constant string: a literal (<see cref="Token"/>, value read on demand) or a value the folder computed
/// (<see cref="Value"/>, <see cref="Token"/> -1).
/// </summary>
internal sealed record StringSite(int Token, string? Value, int Line, Scope Scope)
{
    public bool Folded => Value is not null;
}

/// <summary>A class statement and the canonical names of its bases.</summary>
internal sealed record ClassInfo(string Name, IReadOnlyList<string> Bases, Scope Body);

/// <summary>
/// What the rules need to know about one Python file: its tokens, the scope of every statement, the imports and
/// aliases in force (so <c>import os as o; o.system(...)</c>, <c>getattr(__builtins__, 'ex'+'ec')</c> and
/// <c>s = subprocess.Popen</c> all resolve to the real callee), every call of a resolved name, and the constant
/// strings (literals and the values of string expressions the folder could compute).
/// </summary>
internal sealed partial class CodeModel
{
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Function, string Name), Capability> _taint = [];
    private readonly HashSet<string> _starModules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ownPaths = new(StringComparer.Ordinal);
    private Scope[] _scopeOfToken = [];
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _pool;
    private string?[] _textCache = [];

    private CodeModel(string source, List<PythonToken> tokens)
    {
        Source = source;
        Tokens = tokens;
        _pool = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        _textCache = new string?[tokens.Count];
    }

    public string Source { get; }

    public List<PythonToken> Tokens { get; }

    public List<CallSite> Calls { get; } = [];

    public List<Reference> References { get; } = [];

    public List<ClassInfo> Classes { get; } = [];

    /// <summary>Constant strings: every literal (docstrings excluded) and every folded string expression, with where they are.</summary>
    public List<StringSite> Strings { get; } = [];

    /// <summary>The scopes that exist, by id.</summary>
    public List<Scope> Scopes { get; } = [];

    /// <summary>Whether the token cap cut the file short.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Builds the model of <paramref name="source"/>, reading at most <paramref name="maxTokens"/> tokens.</summary>
    public static CodeModel Build(string source, int maxTokens, List<PythonToken>? reuse = null)
    {
        var tokens = PythonTokenizer.Tokenize(source, maxTokens, out var truncated, reuse);
        var model = new CodeModel(source, tokens) { Truncated = truncated };
        model.Analyse();
        return model;
    }

    public Scope ScopeAt(int token) => _scopeOfToken[Math.Clamp(token, 0, _scopeOfToken.Length - 1)];

    /// <summary>The text of token <paramref name="index"/>.</summary>
    public string Text(int index)
    {
        // Names repeat (self, os, the same local a hundred times): each distinct spelling is allocated once.
        var token = Tokens[index];
        if (token.Kind != TokenKind.Name)
        {
            return Source.Substring(token.Start, token.Length);
        }

        return _textCache[index] ??= _pool.TryGetValue(Source.AsSpan(token.Start, token.Length), out var pooled)
            ? pooled : Pool(Source.Substring(token.Start, token.Length));
    }

    /// <summary>The decoded text of string token <paramref name="index"/>.</summary>
    public string StringValue(int index) => PythonTokenizer.ValueOf(Source, Tokens[index]);

    /// <summary>The text of string token <paramref name="index"/> without allocating when it needs no decoding.</summary>
    public ReadOnlySpan<char> StringSpan(int index) => PythonTokenizer.SpanOf(Source, Tokens[index]);

    /// <summary>The text of a constant string: its literal's, or the computed value.</summary>
    public string ValueOf(StringSite site) => site.Value ?? StringValue(site.Token);

    /// <summary>Every distinct name spelt in the file (those the rules have asked the text of).</summary>
    public IEnumerable<string> DistinctNames => _names.Keys;

    private string Pool(string text)
    {
        _names[text] = text;
        return text;
    }

    private void Analyse()
    {
        _scopeOfToken = new Scope[Tokens.Count];
        var module = new Scope(0, ScopeKind.Module, null, null, null);
        Scopes.Add(module);
        var stack = new Stack<(int Indent, Scope Scope)>();
        var start = 0;
        for (var i = 0; i <= Tokens.Count; i++)
        {
            if (i < Tokens.Count && Tokens[i].Kind != TokenKind.EndOfStatement)
            {
                continue;
            }

            if (i > start)
            {
                var indent = Tokens[start].Indent;
                while (stack.Count > 0 && stack.Peek().Indent >= indent)
                {
                    stack.Pop();
                }

                var parent = stack.Count > 0 ? stack.Peek().Scope : module;
                var scope = OpenScope(start, i, parent);
                var statementScope = scope ?? parent;
                for (var t = start; t <= Math.Min(i, Tokens.Count - 1); t++)
                {
                    _scopeOfToken[t] = statementScope;
                }

                if (scope is not null)
                {
                    stack.Push((indent, scope));
                }

                Statement(start, i, statementScope);
            }

            start = i + 1;
        }
    }

    /// <summary>A new scope when the statement is a def, a class or a main guard header.</summary>
    private Scope? OpenScope(int start, int end, Scope parent)
    {
        var first = start;
        if (Tokens[first].Is(Source, "async"))
        {
            first++;
        }

        if (first >= end || Tokens[first].Kind != TokenKind.Name)
        {
            return null;
        }

        var keyword = Text(first);
        if (keyword == "def" && first + 1 < end)
        {
            return Add(new Scope(Scopes.Count, ScopeKind.Function, Text(first + 1), parent.Class, parent));
        }

        if (keyword == "class" && first + 1 < end)
        {
            var scope = Add(new Scope(Scopes.Count, parent.Kind, parent.Function, Text(first + 1), parent));
            var bases = new List<string>();
            if (first + 2 < end && Tokens[first + 2].Is(Source, "("))
            {
                var j = first + 3;
                while (j < end && !Tokens[j].Is(Source, ")"))
                {
                    var next = j;
                    if (ResolveReference(ref next, end) is { } baseName)
                    {
                        bases.Add(baseName);
                    }

                    j = Math.Max(next, j + 1);
                }
            }

            Classes.Add(new ClassInfo(Text(first + 1), bases, scope));
            return scope;
        }

        if (keyword == "if" && parent.Kind == ScopeKind.Module && end - first >= 4 && Tokens[first + 1].Is(Source, "__name__")
            && Tokens[first + 2].Is(Source, "==") && Tokens[first + 3].Kind == TokenKind.String && StringSpan(first + 3).SequenceEqual("__main__"))
        {
            return Add(new Scope(Scopes.Count, ScopeKind.MainGuard, parent.Function, parent.Class, parent));
        }

        return null;
    }

    private Scope Add(Scope scope)
    {
        Scopes.Add(scope);
        return scope;
    }

    private void Statement(int start, int end, Scope scope)
    {
        var first = Tokens[start];
        if (first.Kind == TokenKind.Name)
        {
            switch (Text(start))
            {
                case "import":
                    Import(start + 1, end);
                    break;
                case "from":
                    FromImport(start + 1, end);
                    break;
            }
        }

        // A statement that is only a string is a docstring or a comment in disguise: its text does not run.
        var docstring = first.Kind == TokenKind.String && (end - start == 1 || Tokens[start + 1].Kind == TokenKind.String && end - start == 2);
        if (!docstring)
        {
            for (var t = start; t < end; t++)
            {
                if (Tokens[t].Kind == TokenKind.String && Tokens[t].Length > 2)
                {
                    Strings.Add(new StringSite(t, null, Tokens[t].Line, scope));
                }
            }
        }

        ScanExpressions(start, end, scope);
        Assignment(start, end, scope);
    }

    private void Import(int i, int end)
    {
        while (i < end)
        {
            var dotted = DottedName(ref i, end);
            if (dotted.Length == 0)
            {
                return;
            }

            if (i + 1 < end && Tokens[i].Is(Source, "as") && Tokens[i + 1].Kind == TokenKind.Name)
            {
                _aliases[Text(i + 1)] = dotted;
                i += 2;
            }
            else
            {
                var top = dotted.Split('.')[0];
                _aliases[top] = top;
            }

            if (i < end && Tokens[i].Is(Source, ","))
            {
                i++;
            }
            else
            {
                return;
            }
        }
    }

    private void FromImport(int i, int end)
    {
        var module = DottedName(ref i, end);
        if (i >= end || !Tokens[i].Is(Source, "import"))
        {
            return;
        }

        i++;
        if (i < end && Tokens[i].Is(Source, "*"))
        {
            _starModules.Add(module);
            return;
        }

        for (; i < end; i++)
        {
            if (Tokens[i].Kind != TokenKind.Name || Tokens[i].Is(Source, "as"))
            {
                continue;
            }

            var name = Text(i);
            var local = i + 2 < end && Tokens[i + 1].Is(Source, "as") && Tokens[i + 2].Kind == TokenKind.Name ? Text(i + 2) : name;
            _aliases[local] = module.Length == 0 ? name : $"{module}.{name}";
            if (local != name)
            {
                i += 2;
            }
        }
    }

    private string DottedName(ref int i, int end)
    {
        var parts = new List<string>();
        while (i < end && (Tokens[i].Kind == TokenKind.Name || Tokens[i].Is(Source, ".")))
        {
            if (Tokens[i].Kind == TokenKind.Name)
            {
                if (Tokens[i].Is(Source, "import") || Tokens[i].Is(Source, "as"))
                {
                    break;
                }

                parts.Add(Text(i));
            }

            i++;
        }

        return string.Join('.', parts);
    }
}
