namespace Bulwark.Core.Moderation.Scanning;

internal sealed partial class CodeModel
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "def", "class", "import", "from", "as", "if", "else", "elif", "for", "while", "in", "not", "and", "or", "is",
        "return", "lambda", "with", "try", "except", "finally", "raise", "pass", "break", "continue", "global",
        "nonlocal", "del", "yield", "await", "async", "assert", "None", "True", "False",
    };

    /// <summary>
    /// Finds every resolvable name in a statement and records it, and the calls among them. Scanning resumes at
    /// the next token after each hit, so calls nested in arguments are found too.
    /// </summary>
    private void ScanExpressions(int start, int end, Scope scope)
    {
        for (var t = start; t < end; t++)
        {
            if (Tokens[t].Kind != TokenKind.Name || (t > start && Tokens[t - 1].Is(Source, ".")))
            {
                continue;
            }

            var j = t;
            if (ResolveReference(ref j, end) is not { } name)
            {
                continue;
            }

            var call = j < end && Tokens[j].Is(Source, "(");
            if (name.StartsWith("os.environ", StringComparison.Ordinal))
            {
                // The only names the rules read outside calls: the environment, taken whole or in part.
                References.Add(new Reference(name, t, j, Tokens[t].Line, scope));
            }

            if (call)
            {
                var close = MatchingClose(j, end);
                Calls.Add(new CallSite(name, t, j, close, Tokens[t].Line, scope, ApiCatalog.Of(name)));
            }
        }
    }

    /// <summary>Index of the bracket closing the one at <paramref name="open"/> (or <paramref name="end"/> if unbalanced).</summary>
    public int MatchingClose(int open, int end)
    {
        var depth = 0;
        for (var i = open; i < end; i++)
        {
            if (Tokens[i].Kind != TokenKind.Op || Tokens[i].Length != 1)
            {
                continue;
            }

            var c = Source[Tokens[i].Start];
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}' && --depth == 0)
            {
                return i;
            }
        }

        return end;
    }

    /// <summary>
    /// Resolves the reference that starts at token <paramref name="i"/> to a canonical dotted name and moves
    /// <paramref name="i"/> past it: aliases, <c>__import__('os')</c>, <c>importlib.import_module</c>,
    /// <c>getattr(x, 'a' + 'b')</c>, <c>globals()['__builtins__']</c>, <c>x.__dict__['y']</c> and
    /// <c>sys.modules['os']</c> are all seen through. Null when the token does not start a name.
    /// </summary>
    public string? ResolveReference(ref int i, int end)
    {
        if (i >= end)
        {
            return null;
        }

        string? current;
        if (Tokens[i].Is(Source, "("))
        {
            var j = i + 1;
            current = ResolveReference(ref j, end);
            if (current is null || j >= end || !Tokens[j].Is(Source, ")"))
            {
                return null;
            }

            i = j + 1;
        }
        else if (Tokens[i].Kind == TokenKind.Name && !Keywords.Contains(Text(i)))
        {
            current = ResolveName(Text(i));
            i++;
        }
        else
        {
            return null;
        }

        while (i < end)
        {
            if (Tokens[i].Is(Source, ".") && i + 1 < end && Tokens[i + 1].Kind == TokenKind.Name)
            {
                current = $"{current}.{Text(i + 1)}";
                i += 2;
                continue;
            }

            if (Tokens[i].Is(Source, "["))
            {
                var close = MatchingClose(i, end);
                if (close < end && new ConstantFolder(this).Fold(i + 1, close) is { } key && IsIdentifierLike(key))
                {
                    current = $"{current}.{key}";
                    i = close + 1;
                    continue;
                }

                break;
            }

            if (Tokens[i].Is(Source, "(") && Canonical(current) is var callee
                && callee is "builtins.__import__" or "importlib.import_module" or "builtins.getattr" or "builtins.globals" or "builtins.vars" or "builtins.locals")
            {
                var close = MatchingClose(i, end);
                if (close >= end || SpecialCall(callee, i + 1, close) is not { } result)
                {
                    break;
                }

                current = result;
                i = close + 1;
                continue;
            }

            break;
        }

        return Canonical(current);
    }

    private string? SpecialCall(string callee, int start, int close)
    {
        switch (callee)
        {
            case "builtins.globals" or "builtins.vars" or "builtins.locals":
                return start == close ? "globals" : null;
            case "builtins.__import__" or "importlib.import_module":
                var argEnd = ArgumentEnd(start, close);

                return new ConstantFolder(this).Fold(start, argEnd) is { } module && IsDottedName(module) ? module : null;
            default:
                var j = start;
                var target = ResolveReference(ref j, close);
                if (target is null || j >= close || !Tokens[j].Is(Source, ","))
                {
                    return null;
                }

                var nameEnd = ArgumentEnd(j + 1, close);

                return new ConstantFolder(this).Fold(j + 1, nameEnd) is { } attribute && IsIdentifierLike(attribute) ? $"{target}.{attribute}" : null;
        }
    }

    /// <summary>The end of the argument starting at <paramref name="start"/>: the next comma outside brackets, or <paramref name="close"/>.</summary>
    public int ArgumentEnd(int start, int close)
    {
        var depth = 0;
        for (var t = start; t < close; t++)
        {
            var token = Tokens[t];
            if (token.Kind != TokenKind.Op || token.Length != 1)
            {
                continue;
            }

            switch (Source[token.Start])
            {
                case '(' or '[' or '{': depth++; break;
                case ')' or ']' or '}': depth--; break;
                case ',' when depth == 0: return t;
            }
        }

        return close;
    }

    private string ResolveName(string name)
    {
        if (_aliases.TryGetValue(name, out var alias))
        {
            return alias;
        }

        if (name is "__builtins__" or "__builtin__" or "builtins")
        {
            return "builtins";
        }

        if (ApiCatalog.Builtins.Contains(name))
        {
            return "builtins." + name;
        }

        foreach (var module in _starModules)
        {
            if (ApiCatalog.Of($"{module}.{name}") != Capability.None)
            {
                return $"{module}.{name}";
            }
        }

        return name;
    }

    /// <summary>Folds the spellings of one thing into one name: builtins, <c>__dict__</c>, <c>sys.modules[...]</c>.</summary>
    private static string Canonical(string name)
    {
        if (!name.StartsWith("__builtin", StringComparison.Ordinal) && !name.StartsWith("sys.modules.", StringComparison.Ordinal)
            && !name.StartsWith("globals", StringComparison.Ordinal) && !name.Contains(".__dict__", StringComparison.Ordinal)
            && !name.StartsWith("importlib.__import__", StringComparison.Ordinal))
        {
            return name;
        }

        var parts = name.Split('.').Where(p => p != "__dict__").ToList();
        if (parts.Count >= 3 && parts[0] == "sys" && parts[1] == "modules")
        {
            parts.RemoveRange(0, 2);
        }

        if (parts.Count > 0 && parts[0] == "globals")
        {
            parts[0] = "builtins";
            if (parts.Count > 1 && parts[1] is "__builtins__" or "builtins")
            {
                parts.RemoveAt(1);
            }
        }

        if (parts.Count > 0 && parts[0] is "__builtins__" or "__builtin__")
        {
            parts[0] = "builtins";
        }

        if (parts.Count > 1 && parts[0] == "importlib" && parts[1] == "__import__")
        {
            parts.RemoveAt(0);
            parts.Insert(0, "builtins");
        }

        return string.Join('.', parts);
    }

    private static bool IsIdentifierLike(string text) => text.Length is > 0 and < 100 && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static bool IsDottedName(string text) => text.Length is > 0 and < 200 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');
}
