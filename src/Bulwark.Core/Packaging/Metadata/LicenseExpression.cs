namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// Syntax of an SPDX license expression (PEP 639 <c>License-Expression</c>): identifiers (optionally with
/// <c>+</c>, or <c>LicenseRef-</c>/<c>DocumentRef-</c> references) combined with <c>AND</c>, <c>OR</c>,
/// <c>WITH</c> and parentheses. Identifiers are not checked against the SPDX license list.
/// </summary>
public static class LicenseExpression
{
    /// <summary>True when <paramref name="expression"/> is a well-formed SPDX expression.</summary>
    public static bool IsValid(string expression)
    {
        var tokens = Tokenize(expression);
        if (tokens is null || tokens.Count == 0)
        {
            return false;
        }

        var position = 0;
        return Or(tokens, ref position, 0) && position == tokens.Count;
    }

    // depth counts open parentheses: each is three stack frames, and text nested a few hundred thousand deep
    // would overflow the stack, which .NET cannot catch. Past the bound the expression is simply invalid;
    // MetadataLimits names the problem before this parser runs.
    private static bool Or(List<string> t, ref int p, int depth)
    {
        if (!And(t, ref p, depth))
        {
            return false;
        }

        while (p < t.Count && Is(t[p], "OR"))
        {
            p++;
            if (!And(t, ref p, depth))
            {
                return false;
            }
        }

        return true;
    }

    private static bool And(List<string> t, ref int p, int depth)
    {
        if (!Term(t, ref p, depth))
        {
            return false;
        }

        while (p < t.Count && Is(t[p], "AND"))
        {
            p++;
            if (!Term(t, ref p, depth))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Term(List<string> t, ref int p, int depth)
    {
        if (p < t.Count && t[p] == "(")
        {
            if (depth >= MetadataLimits.MaxNestingDepth)
            {
                return false;
            }

            p++;
            if (!Or(t, ref p, depth + 1) || p >= t.Count || t[p] != ")")
            {
                return false;
            }

            p++;
            return true;
        }

        if (p >= t.Count || !IsIdentifier(t[p], allowPlus: true))
        {
            return false;
        }

        p++;
        if (p < t.Count && Is(t[p], "WITH"))
        {
            p++;
            if (p >= t.Count || !IsIdentifier(t[p], allowPlus: false))
            {
                return false;
            }

            p++;
        }

        return true;
    }

    private static bool Is(string token, string keyword) => string.Equals(token, keyword, StringComparison.OrdinalIgnoreCase);

    private static bool IsIdentifier(string token, bool allowPlus)
    {
        if (Is(token, "AND") || Is(token, "OR") || Is(token, "WITH") || token is "(" or ")")
        {
            return false;
        }

        var body = allowPlus && token.EndsWith('+') ? token[..^1] : token;
        if (body.StartsWith("DocumentRef-", StringComparison.OrdinalIgnoreCase))
        {
            var colon = body.IndexOf(':');
            if (colon < 0 || !IsIdString(body[..colon]))
            {
                return false;
            }

            body = body[(colon + 1)..];
            if (!body.StartsWith("LicenseRef-", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return IsIdString(body);
    }

    private static bool IsIdString(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    private static List<string>? Tokenize(string expression)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c is ' ' or '\t')
            {
                i++;
            }
            else if (c is '(' or ')')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else
            {
                var start = i;
                while (i < expression.Length && expression[i] is not (' ' or '\t' or '(' or ')'))
                {
                    i++;
                }

                tokens.Add(expression[start..i]);
            }
        }

        return tokens;
    }
}
