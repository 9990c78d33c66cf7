namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// URL rule for Home-page, Download-URL and Project-URL: an RFC 3986 URI whose scheme is <c>http</c> or
/// <c>https</c> and whose components use only the characters RFC 3986 allows (no spaces, no raw non-ASCII).
/// Other schemes (<c>javascript:</c>, <c>file:</c>, <c>data:</c>) are refused because these links are rendered
/// on project pages.
/// </summary>
public static class UrlValidator
{
    private const string SubDelims = "!$&'()*+,;=";

    /// <summary>True when <paramref name="url"/> is a syntactically valid http(s) URI.</summary>
    public static bool IsValid(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return false;
        }

        var colon = url.IndexOf(':');
        if (colon <= 0 || !IsScheme(url.AsSpan(0, colon)))
        {
            return false;
        }

        var scheme = url[..colon].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            return false;
        }

        var rest = url.AsSpan(colon + 1);
        var hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            if (!AllValid(rest[(hash + 1)..], "/?"))
            {
                return false;
            }

            rest = rest[..hash];
        }

        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            if (!AllValid(rest[(question + 1)..], "/?"))
            {
                return false;
            }

            rest = rest[..question];
        }

        if (rest.StartsWith("//"))
        {
            rest = rest[2..];
            var slash = rest.IndexOf('/');
            var authority = slash < 0 ? rest : rest[..slash];
            if (!IsAuthority(authority))
            {
                return false;
            }

            rest = slash < 0 ? [] : rest[slash..];
        }

        return AllValid(rest, "/");
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAuthority(ReadOnlySpan<char> authority)
    {
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            if (!AllValid(authority[..at], "", allowColon: true, allowAt: false))
            {
                return false;
            }

            authority = authority[(at + 1)..];
        }

        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port = [];
        if (authority.StartsWith("["))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            host = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    return false;
                }

                port = after[1..];
            }

            foreach (var c in host[1..^1])
            {
                if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
                {
                    return false;
                }
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? [] : authority[(colon + 1)..];
            if (!AllValid(host, "", allowColon: false, allowAt: false))
            {
                return false;
            }
        }

        if (host.Length == 0)
        {
            return false;
        }

        foreach (var c in port)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every character is unreserved, a sub-delimiter, a valid %XX escape, or one of <paramref name="extra"/>.</summary>
    private static bool AllValid(ReadOnlySpan<char> text, string extra, bool allowColon = true, bool allowAt = true)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    return false;
                }

                i += 2;
                continue;
            }

            var ok = char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' || SubDelims.Contains(c)
                || (c == ':' && allowColon) || (c == '@' && allowAt) || extra.Contains(c);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
