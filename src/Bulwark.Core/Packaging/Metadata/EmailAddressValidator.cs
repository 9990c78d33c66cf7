using System.Globalization;
using System.Text;

namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// Syntax checks for <c>Author-email</c> / <c>Maintainer-email</c>: the field is an RFC 5322 address list
/// (<c>Name &lt;a@example.org&gt;, b@example.org</c>); each address must be a deliverable-looking
/// <c>local@domain</c>. The reasons are worded like the <c>email-validator</c> library PyPI uses.
/// No DNS lookups are made.
/// </summary>
public static class EmailAddressValidator
{
    private const int MaxCharactersShown = 10;
    private const string AsciiAtextSymbols = "!#$%&'*+-/=?^_`{|}~";
    private static readonly string[] SpecialUseDomains = ["arpa", "invalid", "local", "localhost", "onion", "test"];

    /// <summary>
    /// The bare addresses of an address list; display names and comments are dropped. An entry with a display
    /// name, comment or angle brackets but no address yields an empty address, and an entry left open (an
    /// unclosed quote, comment or angle bracket) is returned whole: both are then reported as invalid rather
    /// than silently dropped, so a field cannot pass by holding nothing that is checked.
    /// </summary>
    public static IReadOnlyList<string> ExtractAddresses(string field)
    {
        var addresses = new List<string>();
        var current = new StringBuilder();
        var angled = new StringBuilder();
        bool inQuotes = false, inAngle = false, sawAngle = false, sawComment = false;
        var commentDepth = 0;
        var entryStart = 0;
        for (var i = 0; i < field.Length; i++)
        {
            var c = field[i];
            if (inQuotes)
            {
                if (c == '\\' && i + 1 < field.Length)
                {
                    (inAngle ? angled : current).Append(c).Append(field[++i]);
                    continue;
                }

                inQuotes = c != '"';
                (inAngle ? angled : current).Append(c);
                continue;
            }

            if (commentDepth > 0)
            {
                commentDepth += c == '(' ? 1 : c == ')' ? -1 : 0;
                continue;
            }

            switch (c)
            {
                case '"':
                    inQuotes = true;
                    (inAngle ? angled : current).Append(c);
                    break;
                case '(':
                    commentDepth = 1;
                    sawComment = true;
                    break;
                case '<' when !inAngle:
                    inAngle = sawAngle = true;
                    angled.Clear();
                    break;
                case '>' when inAngle:
                    inAngle = false;
                    break;
                case ',' when !inAngle:
                    Flush();
                    entryStart = i + 1;
                    break;
                default:
                    (inAngle ? angled : current).Append(c);
                    break;
            }
        }

        if (inQuotes || inAngle || commentDepth > 0)
        {
            addresses.Add(field[entryStart..].Trim());
        }
        else
        {
            Flush();
        }

        return addresses;

        void Flush()
        {
            var address = (sawAngle ? angled.ToString() : current.ToString()).Trim();
            if (address.Length > 0 || sawAngle || sawComment)
            {
                addresses.Add(address);
            }

            current.Clear();
            angled.Clear();
            sawAngle = inAngle = sawComment = false;
        }
    }

    /// <summary>Why <paramref name="address"/> is not a valid address, or null when it is.</summary>
    public static string? Problem(string address)
    {
        var at = address.LastIndexOf('@');
        if (at < 0)
        {
            return "An email address must have an @-sign.";
        }

        return LocalPartProblem(address[..at]) ?? DomainProblem(address[(at + 1)..]) ?? (address.Length > 254
            ? $"The email address is too long {TooMany(address.Length - 254)}."
            : null);
    }

    private static string? LocalPartProblem(string local)
    {
        if (local.Length == 0)
        {
            return "There must be something before the @-sign.";
        }

        if (local.Length > 64)
        {
            return $"The email address is too long before the @-sign {TooMany(local.Length - 64)}.";
        }

        var bad = BadCharacters(local, c => char.IsAsciiLetterOrDigit(c) || AsciiAtextSymbols.Contains(c) || c == '.' || c > 0x7F);
        if (bad is not null)
        {
            return $"The email address contains invalid characters before the @-sign: {bad}.";
        }

        return DotProblem(local, "An email address cannot start with a {0}.",
            "An email address cannot have a {0} immediately before the @-sign.", hostname: false);
    }

    private static string? DomainProblem(string domain)
    {
        if (domain.Length == 0)
        {
            return "There must be something after the @-sign.";
        }

        var bad = BadCharacters(domain, c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' || c > 0x7F);
        if (bad is not null)
        {
            return $"The part after the @-sign contains invalid characters: {bad}.";
        }

        var dots = DotProblem(domain, "An email address cannot have a {0} immediately after the @-sign.",
            "An email address cannot end with a {0}.", hostname: true);
        if (dots is not null)
        {
            return dots;
        }

        if (domain.Length > 255)
        {
            return $"The email address is too long after the @-sign {TooMany(domain.Length - 255)}.";
        }

        foreach (var label in domain.Split('.'))
        {
            if (label.Length > 63)
            {
                return $"After the @-sign, periods cannot be separated by so many characters {TooMany(label.Length - 63)}.";
            }
        }

        if (!domain.Contains('.'))
        {
            return "The part after the @-sign is not valid. It should have a period.";
        }

        if (!char.IsLetter(domain[^1]))
        {
            return "The part after the @-sign is not valid. It is not within a valid top-level domain.";
        }

        var lower = domain.ToLowerInvariant();
        if (SpecialUseDomains.Any(d => lower == d || lower.EndsWith("." + d, StringComparison.Ordinal)))
        {
            return "The part after the @-sign is a special-use or reserved name that cannot be used with email.";
        }

        return null;
    }

    private static string? DotProblem(string text, string startMessage, string endMessage, bool hostname)
    {
        if (text.EndsWith('.'))
        {
            return string.Format(CultureInfo.InvariantCulture, endMessage, "period");
        }

        if (text.StartsWith('.'))
        {
            return string.Format(CultureInfo.InvariantCulture, startMessage, "period");
        }

        if (text.Contains("..", StringComparison.Ordinal))
        {
            return "An email address cannot have two periods in a row.";
        }

        if (hostname)
        {
            if (text.EndsWith('-'))
            {
                return string.Format(CultureInfo.InvariantCulture, endMessage, "hyphen");
            }

            if (text.StartsWith('-'))
            {
                return string.Format(CultureInfo.InvariantCulture, startMessage, "hyphen");
            }

            if (text.Contains(".-", StringComparison.Ordinal) || text.Contains("-.", StringComparison.Ordinal))
            {
                return "An email address cannot have a period and a hyphen next to each other.";
            }
        }

        return null;
    }

    /// <summary>
    /// The distinct offending characters, sorted and shown as Python would print them; past
    /// <see cref="MaxCharactersShown"/> the list ends in <c>...</c>, so the message stays short whatever was sent.
    /// </summary>
    private static string? BadCharacters(string text, Func<char, bool> allowed)
    {
        var bad = text.Where(c => !allowed(c)).Distinct().Select(Display).Order(StringComparer.Ordinal).ToList();
        return bad.Count == 0 ? null
            : bad.Count <= MaxCharactersShown ? string.Join(", ", bad)
            : string.Join(", ", bad.Take(MaxCharactersShown)) + ", ...";

        static string Display(char c) => c switch
        {
            ' ' => "SPACE",
            _ when char.IsControl(c) || char.IsWhiteSpace(c) => $"U+{(int)c:X4}",
            _ => PyRepr.Str(c.ToString()),
        };
    }

    private static string TooMany(int count) => $"({count} character{(count > 1 ? "s" : "")} too many)";
}
