namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// Recursive-descent parser for PEP 508; throws <see cref="FormatException"/> on the first error. Linear in the
/// length of the text, and marker parentheses may nest at most <see cref="MetadataLimits.MaxNestingDepth"/> deep.
/// </summary>
internal sealed class Pep508Parser(string text)
{
    private static readonly HashSet<string> MarkerVariables =
    [
        "python_version", "python_full_version", "os_name", "sys_platform", "platform_release", "platform_system",
        "platform_version", "platform_machine", "platform_python_implementation", "implementation_name",
        "implementation_version", "extra", "extras", "dependency_groups",
        // Legacy spellings that installers still accept.
        "os.name", "sys.platform", "platform.version", "platform.machine", "platform.python_implementation",
        "python_implementation",
    ];

    private static readonly string[] Operators = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];

    private readonly System.Text.StringBuilder _marker = new();

    private int _pos;

    private int _depth;

    public Pep508Requirement ParseRequirement()
    {
        SkipSpace();
        var name = Identifier("package name at the start of dependency specifier");
        SkipSpace();
        var extras = Peek('[') ? Extras() : [];
        SkipSpace();
        string? url = null;
        VersionSpecifierSet? specifier = null;
        if (Peek('@'))
        {
            _pos++;
            SkipSpace();
            var start = _pos;
            while (_pos < text.Length && !char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }

            url = text[start.._pos];
            if (url.Length == 0)
            {
                throw Error("URL after @");
            }

            // A marker after a URL must be separated by whitespace, or ';' would be part of the URL.
            if (_pos < text.Length)
            {
                SkipSpace();
                if (!AtEnd() && !Peek(';'))
                {
                    throw Error("end or semicolon (after URL and whitespace)");
                }
            }
        }
        else
        {
            specifier = Specifiers();
        }

        SkipSpace();
        string? marker = null;
        if (Peek(';'))
        {
            _pos++;
            SkipSpace();
            marker = Marker();
            SkipSpace();
        }

        if (!AtEnd())
        {
            throw Error(marker is null ? "end or semicolon (after version specifier)" : "end or semicolon (after marker)");
        }

        return new Pep508Requirement(name, extras, specifier, url, marker);
    }

    private List<string> Extras()
    {
        _pos++; // [
        var extras = new List<string>();
        SkipSpace();
        if (Peek(']'))
        {
            _pos++;
            return extras;
        }

        while (true)
        {
            SkipSpace();
            extras.Add(Identifier("extra name"));
            SkipSpace();
            if (Peek(','))
            {
                _pos++;
                continue;
            }

            if (Peek(']'))
            {
                _pos++;
                return extras;
            }

            throw Error("comma between extra names or closing bracket");
        }
    }

    private VersionSpecifierSet? Specifiers()
    {
        var parenthesized = Peek('(');
        if (parenthesized)
        {
            _pos++;
        }

        var start = _pos;
        while (_pos < text.Length && text[_pos] is not (';' or ')'))
        {
            _pos++;
        }

        var spec = text[start.._pos].Trim();
        if (parenthesized)
        {
            if (!Peek(')'))
            {
                throw Error("closing right parenthesis");
            }

            _pos++;
        }
        else if (Peek(')'))
        {
            throw Error("end or semicolon (after name and no valid version specifier)");
        }

        if (spec.Length == 0)
        {
            return parenthesized ? throw Error("version specifier") : null;
        }

        if (!Operators.Any(op => spec.StartsWith(op, StringComparison.Ordinal)))
        {
            throw Error("end or semicolon (after name and no valid version specifier)", start);
        }

        return VersionSpecifierSet.TryParse(spec, out var set, out var error)
            ? set
            : throw new FormatException(error);
    }

    private string Marker()
    {
        _marker.Clear();
        MarkerOr();
        return _marker.ToString();
    }

    // The marker is written into one builder as it is read: joining the parts as strings would copy the
    // text once per operator, quadratic in a marker of many thousands of "and"s.
    private void MarkerOr()
    {
        MarkerAnd();
        while (Keyword("or"))
        {
            _marker.Append(" or ");
            MarkerAnd();
        }
    }

    private void MarkerAnd()
    {
        MarkerAtom();
        while (Keyword("and"))
        {
            _marker.Append(" and ");
            MarkerAtom();
        }
    }

    private void MarkerAtom()
    {
        SkipSpace();
        if (Peek('('))
        {
            // Each parenthesis is three stack frames here; without a bound, text nested a few hundred
            // thousand deep overflows the stack, which .NET cannot catch: the whole index would stop.
            if (++_depth > MetadataLimits.MaxNestingDepth)
            {
                throw new FormatException(MetadataLimits.NestedTooDeeply);
            }

            _pos++;
            _marker.Append('(');
            MarkerOr();
            SkipSpace();
            if (!Peek(')'))
            {
                throw Error("closing right parenthesis in marker");
            }

            _pos++;
            _depth--;
            _marker.Append(')');
            return;
        }

        _marker.Append(MarkerValue());
        SkipSpace();
        _marker.Append(' ').Append(MarkerOperator()).Append(' ');
        _marker.Append(MarkerValue());
    }

    private string MarkerValue()
    {
        SkipSpace();
        if (Peek('\'') || Peek('"'))
        {
            var quote = text[_pos++];
            var end = text.IndexOf(quote, _pos);
            if (end < 0)
            {
                throw Error("closing quote in marker", _pos - 1);
            }

            var value = text[_pos..end];
            _pos = end + 1;
            return value.Contains('"') ? "'" + value + "'" : "\"" + value + "\"";
        }

        var start = _pos;
        while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '_' or '.'))
        {
            _pos++;
        }

        var variable = text[start.._pos];
        if (!MarkerVariables.Contains(variable))
        {
            throw Error("a marker variable or quoted string", start);
        }

        return variable.Replace('.', '_') switch
        {
            "python_implementation" => "platform_python_implementation",
            var v => v,
        };
    }

    private string MarkerOperator()
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(text, _pos, op, 0, op.Length) == 0)
            {
                _pos += op.Length;
                return op;
            }
        }

        if (Keyword("in"))
        {
            return "in";
        }

        if (Keyword("not"))
        {
            return Keyword("in") ? "not in" : throw Error("'in' after 'not'");
        }

        throw Error("marker operator");
    }

    /// <summary>Consumes <paramref name="word"/> (after optional whitespace) when it stands alone.</summary>
    private bool Keyword(string word)
    {
        var save = _pos;
        SkipSpace();
        if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0
            && (_pos + word.Length == text.Length || !char.IsAsciiLetterOrDigit(text[_pos + word.Length])))
        {
            _pos += word.Length;
            return true;
        }

        _pos = save;
        return false;
    }

    /// <summary>A PEP 508 identifier: letters and digits, with '.', '_' and '-' inside.</summary>
    private string Identifier(string what)
    {
        var start = _pos;
        while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '.' or '_' or '-'))
        {
            _pos++;
        }

        // Trailing separators are not part of a name ("foo-" is invalid).
        while (_pos > start && text[_pos - 1] is '.' or '_' or '-')
        {
            _pos--;
        }

        if (_pos == start || !char.IsAsciiLetterOrDigit(text[start]))
        {
            throw Error(what, start);
        }

        return text[start.._pos];
    }

    private bool Peek(char c) => _pos < text.Length && text[_pos] == c;

    private bool AtEnd() => _pos >= text.Length;

    private void SkipSpace()
    {
        while (_pos < text.Length && text[_pos] is ' ' or '\t')
        {
            _pos++;
        }
    }

    private FormatException Error(string expected, int? at = null) =>
        new($"Expected {expected} at position {at ?? _pos}");
}
