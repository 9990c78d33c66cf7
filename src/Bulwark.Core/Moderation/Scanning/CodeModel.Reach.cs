namespace Bulwark.Core.Moderation.Scanning;

internal sealed partial class CodeModel
{
    private HashSet<int>? _runOnLoad;

    /// <summary>
    /// The functions that run when the module does: called by name from module-level code (directly, or handed
    /// over as in <c>threading.Thread(target=f)</c> or <c>atexit.register(f)</c>), and the functions those call in
    /// turn. Malware wraps its payload in a function and calls it on the next line; that must not make it look
    /// like code that only runs on request.
    /// </summary>
    public bool RunsOnLoad(Scope scope)
    {
        var function = FunctionOf(scope);
        if (function == 0)
        {
            return scope.RunsOnLoad;
        }

        _runOnLoad ??= ComputeRunOnLoad();
        return _runOnLoad.Contains(function);
    }

    private HashSet<int> ComputeRunOnLoad()
    {
        var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var scope in Scopes)
        {
            if (scope.Kind == ScopeKind.Function && scope.Function is { } name && scope.Class is null)
            {
                if (!byName.TryGetValue(name, out var list))
                {
                    byName[name] = list = [];
                }

                list.Add(scope.Id);
            }
        }

        // Which defined functions each function (0: module level) names, as a call or as an argument.
        var named = new Dictionary<int, HashSet<int>>();
        for (var t = 0; t < Tokens.Count; t++)
        {
            if (Tokens[t].Kind != TokenKind.Name || (t > 0 && (Tokens[t - 1].Is(Source, ".") || Tokens[t - 1].Is(Source, "def")))
                || !byName.TryGetValue(Text(t), out var targets))
            {
                continue;
            }

            // A call, or a function handed to a call (Thread(target=f), atexit.register(f)); a plain mention such
            // as "getproxies = getproxies_environment" runs nothing.
            var called = t + 1 < Tokens.Count && Tokens[t + 1].Is(Source, "(");
            var handed = t > 0 && (Tokens[t - 1].Is(Source, "(") || Tokens[t - 1].Is(Source, ",")
                || (t > 2 && Tokens[t - 1].Is(Source, "=") && Tokens[t - 2].Kind == TokenKind.Name && (Tokens[t - 3].Is(Source, "(") || Tokens[t - 3].Is(Source, ","))));
            if (!called && !handed)
            {
                continue;
            }

            var scope = ScopeAt(t);
            var from = scope.RunsOnLoad || scope.Kind == ScopeKind.Function ? FunctionOf(scope) : -1;
            if (from < 0)
            {
                continue;
            }

            if (!named.TryGetValue(from, out var set))
            {
                named[from] = set = [];
            }

            set.UnionWith(targets.Where(id => id != from));
        }

        var reached = new HashSet<int>();
        var queue = new Queue<int>(named.GetValueOrDefault(0) ?? []);
        while (queue.TryDequeue(out var id))
        {
            if (reached.Add(id))
            {
                foreach (var next in named.GetValueOrDefault(id) ?? [])
                {
                    queue.Enqueue(next);
                }
            }
        }

        return reached;
    }
}
