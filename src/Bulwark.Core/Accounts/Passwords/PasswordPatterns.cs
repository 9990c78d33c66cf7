namespace Bulwark.Core.Accounts.Passwords;

/// <summary>Pattern checks behind <see cref="PasswordPolicy"/>; all work on lower-cased text.</summary>
internal static class PasswordPatterns
{
    /// <summary>What people pad a short password with to reach a length rule.</summary>
    public static readonly char[] PaddingCharacters = "0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".ToCharArray();

    private static readonly string[] KeyboardRows =
    [
        "`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/", // column walks
        "qazwsxedcrfvtgbyhnujmikolp",
        "azertyuiop", "qsdfghjklm", "wxcvbn", "qwertzuiop", "yxcvbnm",
    ];

    /// <summary>
    /// True for text made of one short unit repeated ("aaaa…", "abcabc…", "passwordpassword") or using
    /// almost no distinct characters: its length is no measure of its strength. A repeated unit of the
    /// minimum length or more is as strong as the unit, so only shorter units count.
    /// </summary>
    public static bool IsRepetitive(string s)
    {
        if (s.Length == 0) return true;
        if (s.Distinct().Count() <= Math.Max(1, Math.Min(4, s.Length / 3))) return true;
        for (var unit = 1; unit <= s.Length / 2 && unit < PasswordPolicy.MinLength; unit++)
        {
            if (IsPeriodic(s, unit)) return true;
        }
        return false;
    }

    private static bool IsPeriodic(string s, int unit)
    {
        for (var i = unit; i < s.Length; i++)
        {
            if (s[i] != s[i - unit]) return false;
        }
        return true;
    }

    /// <summary>
    /// True when at least half of the characters belong to runs of four or more that step through the
    /// alphabet or digits (up or down, 9→0 wrapping) or walk along a keyboard row or column.
    /// </summary>
    public static bool IsMostlySequential(string s)
    {
        if (s.Length == 0) return false;
        var covered = new bool[s.Length];
        MarkRuns(s, covered, (a, b) => b - a == 1 || a == '9' && b == '0');
        MarkRuns(s, covered, (a, b) => a - b == 1 || a == '0' && b == '9');
        foreach (var row in KeyboardRows)
        {
            MarkRuns(s, covered, (a, b) => Adjacent(row, a, b, +1));
            MarkRuns(s, covered, (a, b) => Adjacent(row, a, b, -1));
        }
        return covered.Count(c => c) * 2 >= s.Length;
    }

    private static bool Adjacent(string row, char a, char b, int direction)
    {
        var i = row.IndexOf(a);
        return i >= 0 && i + direction >= 0 && i + direction < row.Length && row[i + direction] == b;
    }

    private static void MarkRuns(string s, bool[] covered, Func<char, char, bool> step)
    {
        var start = 0;
        for (var i = 1; i <= s.Length; i++)
        {
            if (i < s.Length && step(s[i - 1], s[i])) continue;
            if (i - start >= 4)
            {
                for (var j = start; j < i; j++) covered[j] = true;
            }
            start = i;
        }
    }

    /// <summary>The text itself and its readings with look-alike substitutions undone ("p@ssw0rd" → "password").</summary>
    public static IEnumerable<string> Unsubstituted(string s)
    {
        yield return s;
        var withI = Map(s, '1', 'i');
        if (withI != s) yield return withI;
        var withL = Map(s, '1', 'l');
        if (withL != s && withL != withI) yield return withL;
    }

    private static string Map(string s, char one, char oneAs)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                '@' or '4' => 'a',
                '0' => 'o',
                '3' => 'e',
                '$' or '5' => 's',
                '7' or '+' => 't',
                '!' or '|' => 'i',
                '8' => 'b',
                var c when c == one => oneAs,
                var c => c,
            };
        }
        return new string(chars);
    }
}
