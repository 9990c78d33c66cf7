namespace Bulwark.Core.Moderation.Scanning;

/// <summary>Assignments: aliases, constants, and what flowed into each variable.</summary>
internal sealed partial class CodeModel
{
    /// <summary>
    /// <c>NAME = value</c> and <c>with value as NAME</c>: an alias when the value is a reference, a constant when it
    /// folds to a string, and in any case the capabilities of the calls in the value, which later uses inherit.
    /// </summary>
    private void Assignment(int start, int end, Scope scope)
    {
        if (Tokens[start].Is(Source, "with"))
        {
            for (var t = start + 1; t + 1 < end; t++)
            {
                if (Tokens[t].Is(Source, "as") && Tokens[t + 1].Kind == TokenKind.Name)
                {
                    var key = TaintKey(scope, Text(t + 1));
                    _taint[key] = _taint.GetValueOrDefault(key) | FlowInto(start + 1, t, scope);
                }
            }

            return;
        }

        if (end - start < 3 || Tokens[start].Kind != TokenKind.Name || !Tokens[start + 1].Is(Source, "="))
        {
            return;
        }

        var target = Text(start);
        var valueStart = start + 2;
        var j = valueStart;
        if (ResolveReference(ref j, end) is { } reference && j == end && reference != target)
        {
            _aliases[target] = reference;
        }

        var folder = new ConstantFolder(this);
        if (folder.Fold(valueStart, end) is { } constant)
        {
            _constants[target] = constant;
            if (folder.Computed)
            {
                Strings.Add(new StringSite(-1, constant, Tokens[start].Line, scope));
            }
        }
        else
        {
            _constants.Remove(target);
        }

        var flow = FlowInto(valueStart, end, scope);
        if (flow != Capability.None)
        {
            _taint[TaintKey(scope, target)] = flow;
        }
        else if (_taint.Count > 0)
        {
            _taint.Remove(TaintKey(scope, target));
        }

        for (var t = valueStart; t < end; t++)
        {
            if (Tokens[t].Kind == TokenKind.Name && (Tokens[t].Is(Source, "__file__") || _ownPaths.Contains(Text(t))))
            {
                _ownPaths.Add(target);
                break;
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> holds a path derived from <c>__file__</c> (the package's own directory).</summary>
    public bool IsOwnPath(string name) => name == "__file__" || _ownPaths.Contains(name);

    /// <summary>The function a scope belongs to (0: module level), which is how far a variable's taint reaches.</summary>
    public static int FunctionOf(Scope scope)
    {
        for (var s = scope; s is not null; s = s.Parent)
        {
            if (s.Kind == ScopeKind.Function)
            {
                return s.Id;
            }
        }

        return 0;
    }

    private static (int, string) TaintKey(Scope scope, string name) => (FunctionOf(scope), name);

    /// <summary>The capabilities of what an expression computes: its calls, the names it reads, reversal slices.</summary>
    public Capability FlowInto(int start, int end, Scope scope)
    {
        var function = FunctionOf(scope);
        var flow = Capability.None;
        foreach (var call in CallsIn(start, end))
        {
            flow |= call.Capability;
        }

        for (var t = start; t < end; t++)
        {
            if (Tokens[t].Kind == TokenKind.Name)
            {
                if (_taint.Count > 0)
                {
                    var name = Text(t);
                    flow |= _taint.GetValueOrDefault((function, name)) | _taint.GetValueOrDefault((0, name));
                }
            }
            else if (IsReverseSlice(t, end) && t > start && (Tokens[t - 1].Kind == TokenKind.String
                || (Tokens[t - 1].Kind == TokenKind.Name && ConstantOf(Text(t - 1)) is not null)))
            {
                // A reversed string constant is an obfuscator's trick; reversing a list of names is not.
                flow |= Capability.Decode;
            }
        }

        return flow;
    }

    /// <summary>The calls whose name starts in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public IEnumerable<CallSite> CallsIn(int start, int end)
    {
        // Calls are recorded in token order: find the first one in range by bisection, not by a scan of the file.
        int lo = 0, hi = Calls.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Calls[mid].Token < start)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var c = lo; c < Calls.Count && Calls[c].Token < end; c++)
        {
            yield return Calls[c];
        }
    }

    /// <summary>Whether tokens at <paramref name="t"/> spell <c>[::-1]</c>, the reversed-string trick.</summary>
    public bool IsReverseSlice(int t, int end) =>
        t + 5 < end + 1 && t + 5 <= Tokens.Count - 1 && Tokens[t].Is(Source, "[") && Tokens[t + 1].Is(Source, ":") && Tokens[t + 2].Is(Source, ":")
        && Tokens[t + 3].Is(Source, "-") && Tokens[t + 4].Kind == TokenKind.Number && Text(t + 4) == "1" && Tokens[t + 5].Is(Source, "]");

    /// <summary>The constant a name was last assigned, if it was a foldable string.</summary>
    public string? ConstantOf(string name) => _constants.GetValueOrDefault(name);
}
