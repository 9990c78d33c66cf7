using System.Globalization;

namespace Bulwark.Core.Packaging;

/// <summary>
/// Reads the PEP 440 version grammar: optional <c>v</c>, epoch, release, pre, post (including the
/// implicit <c>-N</c> form), dev and local segments, every alternate spelling and separator, and
/// surrounding white space. A separator after a pre, post or dev label may stand without a number
/// (<c>1.0a.</c>), as the reference grammar allows.
/// </summary>
internal static class Pep440VersionParser
{
    private static readonly string[] PreLabels = ["preview", "alpha", "beta", "pre", "rc", "a", "b", "c"];
    private static readonly string[] PostLabels = ["post", "rev", "r"];
    private static readonly string[] DevLabels = ["dev"];

    /// <summary>
    /// Returns the parsed version, or null. <paramref name="problem"/> explains a refusal that is not
    /// a plain syntax error (too long, or a number that does not fit).
    /// </summary>
    public static Pep440Version? Parse(string text, out string? problem)
    {
        problem = null;
        if (text.Length > Pep440Version.MaxLength)
        {
            problem = $"longer than {Pep440Version.MaxLength} characters";
            return null;
        }

        var trimmed = PythonText.Trim(text);
        foreach (var c in trimmed)
        {
            if (!char.IsAscii(c))
            {
                return null;
            }
        }

        var scanner = new Scanner(trimmed);
        var version = Read(ref scanner);
        if (scanner.Overflowed)
        {
            problem = $"a number is larger than {long.MaxValue.ToString(CultureInfo.InvariantCulture)}";
            return null;
        }

        return scanner.AtEnd ? version : null;
    }

    private static Pep440Version? Read(ref Scanner scanner)
    {
        if (scanner.Peek() is 'v' or 'V')
        {
            scanner.Advance();
        }

        if (!scanner.TryNumber(out var first))
        {
            return null;
        }

        long epoch = 0;
        if (scanner.Peek() == '!')
        {
            scanner.Advance();
            epoch = first;
            if (!scanner.TryNumber(out first))
            {
                return null;
            }
        }

        var release = new List<long> { first };
        while (scanner.Peek() == '.' && char.IsAsciiDigit(scanner.Peek(1)))
        {
            scanner.Advance();
            if (!scanner.TryNumber(out var part))
            {
                return null;
            }

            release.Add(part);
        }

        PreRelease? pre = TryLetterSegment(ref scanner, PreLabels, out var preLabel, out var preNumber)
            ? new PreRelease(NormalizePreLabel(preLabel), preNumber)
            : null;

        long? post = null;
        if (scanner.Peek() == '-' && char.IsAsciiDigit(scanner.Peek(1)))
        {
            scanner.Advance();
            post = scanner.TryNumber(out var implicitPost) ? implicitPost : null;
        }
        else if (TryLetterSegment(ref scanner, PostLabels, out _, out var postNumber))
        {
            post = postNumber;
        }

        long? dev = TryLetterSegment(ref scanner, DevLabels, out _, out var devNumber) ? devNumber : null;

        LocalVersionSegment[]? local = null;
        if (scanner.Peek() == '+')
        {
            scanner.Advance();
            local = ReadLocal(ref scanner);
            if (local is null)
            {
                return null;
            }
        }

        return scanner.Overflowed ? null : new Pep440Version(epoch, [.. release], pre, post, dev, local);
    }

    /// <summary>Reads <c>[sep] label [sep] [number]</c>; leaves the position untouched when no label follows.</summary>
    private static bool TryLetterSegment(ref Scanner scanner, string[] labels, out string label, out long number)
    {
        number = 0;
        var start = scanner.Position;
        if (IsSeparator(scanner.Peek()))
        {
            scanner.Advance();
        }

        if (!scanner.TryLabel(labels, out label))
        {
            scanner.Position = start;
            return false;
        }

        if (IsSeparator(scanner.Peek()))
        {
            scanner.Advance();
        }

        if (char.IsAsciiDigit(scanner.Peek()))
        {
            scanner.TryNumber(out number);
        }

        return true;
    }

    private static LocalVersionSegment[]? ReadLocal(ref Scanner scanner)
    {
        var segments = new List<LocalVersionSegment>();
        while (true)
        {
            var part = scanner.TakeWhile(char.IsAsciiLetterOrDigit);
            if (part.IsEmpty)
            {
                return null;
            }

            segments.Add(ToLocalSegment(part, ref scanner));
            if (!IsSeparator(scanner.Peek()) || !char.IsAsciiLetterOrDigit(scanner.Peek(1)))
            {
                return [.. segments];
            }

            scanner.Advance();
        }
    }

    private static LocalVersionSegment ToLocalSegment(ReadOnlySpan<char> part, ref Scanner scanner)
    {
        foreach (var c in part)
        {
            if (!char.IsAsciiDigit(c))
            {
                return new LocalVersionSegment(null, part.ToString().ToLowerInvariant());
            }
        }

        if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return new LocalVersionSegment(number, null);
        }

        scanner.Overflowed = true;
        return default;
    }

    private static string NormalizePreLabel(string label) => label switch
    {
        "alpha" or "a" => "a",
        "beta" or "b" => "b",
        _ => "rc",
    };

    private static bool IsSeparator(char c) => c is '.' or '-' or '_';

    private ref struct Scanner(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;

        public int Position;

        public bool Overflowed;

        public readonly bool AtEnd => Position >= _text.Length;

        public readonly char Peek(int offset = 0) =>
            Position + offset < _text.Length ? _text[Position + offset] : '\0';

        public void Advance() => Position++;

        public ReadOnlySpan<char> TakeWhile(Func<char, bool> predicate)
        {
            var start = Position;
            while (Position < _text.Length && predicate(_text[Position]))
            {
                Position++;
            }

            return _text[start..Position];
        }

        /// <summary>Reads a run of ASCII digits; false when there is none or it does not fit a long.</summary>
        public bool TryNumber(out long value)
        {
            var digits = TakeWhile(char.IsAsciiDigit);
            value = 0;
            if (digits.IsEmpty)
            {
                return false;
            }

            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value))
            {
                return true;
            }

            Overflowed = true;
            return false;
        }

        /// <summary>Matches the first of <paramref name="labels"/> (longest listed first), ignoring ASCII case.</summary>
        public bool TryLabel(string[] labels, out string label)
        {
            var rest = _text[Position..];
            foreach (var candidate in labels)
            {
                if (rest.StartsWith(candidate, StringComparison.OrdinalIgnoreCase))
                {
                    Position += candidate.Length;
                    label = candidate;
                    return true;
                }
            }

            label = "";
            return false;
        }
    }
}
