namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// Classifies a candidate that is exactly one edit (insertion, deletion, substitution or transposition of
/// neighbours) away from a protected name, both in compact form (letters and digits only), into the rule that
/// describes the slip best.
/// </summary>
internal static class NameEdits
{
    // QWERTY rows with their horizontal stagger in key widths; keys are neighbours when they touch.
    private static readonly (string Row, double Offset)[] Rows =
    [
        ("1234567890", 0), ("qwertyuiop", 0.5), ("asdfghjkl", 0.75), ("zxcvbnm", 1.25),
    ];

    /// <summary>The rule for a one-edit difference, or null when the names are not exactly one edit apart.</summary>
    public static string? Classify(string candidate, string protectedName)
    {
        var (c, p) = (candidate, protectedName);
        if (c.Length == p.Length + 1)
        {
            return Inserted(c, p);
        }

        if (c.Length + 1 == p.Length)
        {
            var rule = Inserted(p, c);
            return rule switch
            {
                null => null,
                TyposquatRules.Plural or TyposquatRules.VersionDigit => rule,
                _ => TyposquatRules.DroppedLetter,
            };
        }

        if (c.Length != p.Length)
        {
            return null;
        }

        var first = 0;
        while (first < c.Length && c[first] == p[first])
        {
            first++;
        }

        if (first == c.Length)
        {
            return null;
        }

        if (c.AsSpan(first + 1).SequenceEqual(p.AsSpan(first + 1)))
        {
            var (a, b) = (c[first], p[first]);
            if (char.IsAsciiDigit(a) && char.IsAsciiDigit(b))
            {
                // One digit of a longer number (cu11/cu12, rfc3986/rfc3987) is a different thing, not a version bump.
                var inNumber = (first > 0 && char.IsAsciiDigit(c[first - 1])) || (first + 1 < c.Length && char.IsAsciiDigit(c[first + 1]));
                return inNumber ? null : TyposquatRules.VersionDigit;
            }

            return AreKeyboardNeighbours(a, b) ? TyposquatRules.KeyboardTypo : TyposquatRules.OneEdit;
        }

        if (first + 1 < c.Length && c[first] == p[first + 1] && c[first + 1] == p[first]
            && c.AsSpan(first + 2).SequenceEqual(p.AsSpan(first + 2)))
        {
            return TyposquatRules.Transposition;
        }

        return null;
    }

    /// <summary><paramref name="longer"/> is <paramref name="shorter"/> with one character inserted: which rule?</summary>
    private static string? Inserted(string longer, string shorter)
    {
        var i = 0;
        while (i < shorter.Length && longer[i] == shorter[i])
        {
            i++;
        }

        if (!longer.AsSpan(i + 1).SequenceEqual(shorter.AsSpan(i)))
        {
            return null;
        }

        var added = longer[i];
        if (i == shorter.Length && added == 's')
        {
            return TyposquatRules.Plural;
        }

        if (char.IsAsciiDigit(added) && (i == shorter.Length || i == 0 || char.IsAsciiDigit(longer[i - 1]) || char.IsAsciiDigit(longer[i + 1])))
        {
            // A digit at either end or next to another digit reads as a version: boto3, py2neo, pyqt5.
            return TyposquatRules.VersionDigit;
        }

        // The same letter twice in a row: some position i with longer[i] equal to a neighbour.
        if ((i > 0 && longer[i - 1] == added) || (i + 1 < longer.Length && longer[i + 1] == added))
        {
            return TyposquatRules.RepeatedLetter;
        }

        return TyposquatRules.OneEdit;
    }

    /// <summary>Whether two keys touch on a QWERTY keyboard.</summary>
    public static bool AreKeyboardNeighbours(char a, char b)
    {
        if (!TryLocate(a, out var ra, out var xa) || !TryLocate(b, out var rb, out var xb) || a == b)
        {
            return false;
        }

        var dx = Math.Abs(xa - xb);
        return ra == rb ? dx <= 1.0 : Math.Abs(ra - rb) == 1 && dx <= 0.75;
    }

    private static bool TryLocate(char key, out int row, out double x)
    {
        for (row = 0; row < Rows.Length; row++)
        {
            var column = Rows[row].Row.IndexOf(key);
            if (column >= 0)
            {
                x = column + Rows[row].Offset;
                return true;
            }
        }

        x = 0;
        return false;
    }
}
