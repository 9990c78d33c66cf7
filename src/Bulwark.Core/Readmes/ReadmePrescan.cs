namespace Bulwark.Core.Readmes;

/// <summary>
/// One linear pass over Markdown source that finds the shapes which make Markdig slow or deep before Markdig
/// sees them: block quotes and lists nested past the budget (<c>&gt;&gt;&gt;...</c>, <c>- - - ...</c>, list
/// items indented a thousand levels), link brackets nested past it, and, within one paragraph, thousands of
/// emphasis delimiters or bare links (Markdig matches both in time quadratic in their number per paragraph).
/// It over-estimates rather than under-estimates: a false alarm only means the description is shown as text,
/// a miss means the render runs until its time limit. Paragraph counts skip fenced code, which Markdig does not
/// parse inline.
/// </summary>
internal static class ReadmePrescan
{
    /// <returns>Why <paramref name="text"/> is over the budget, or null when it is within it.</returns>
    public static string? FindExcess(string text, ReadmeBudget budget)
    {
        var scan = new Scan(budget);
        var start = 0;
        while (start <= text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            var lineEnd = end > start && text[end - 1] == '\r' ? end - 1 : end;
            if (scan.Line(text, start, lineEnd) is { } reason) return reason;
            if (newline < 0) break;
            start = newline + 1;
        }
        return null;
    }

    private sealed class Scan(ReadmeBudget budget)
    {
        private char _fenceChar;
        private int _fenceLength;
        private int _brackets;
        private int _delimiterRuns;
        private int _bareLinks;

        private bool InFence => _fenceLength > 0;

        public string? Line(string s, int start, int end)
        {
            var prefix = ContainerPrefix.Read(s, start, end);
            var content = prefix.ContentStart;
            // Checked inside fenced code too: a fence that this scan and Markdig see differently must not hide nesting.
            if (prefix.Markers > 0 && prefix.EstimatedDepth > budget.MaxNesting)
            {
                return $"block quotes or lists are nested more than {budget.MaxNesting} levels deep";
            }

            var run = RunLength(s, content, end);
            if (InFence)
            {
                // A closing fence: the fence character, at least as many, and nothing but spaces after.
                if (run >= _fenceLength && s[content] == _fenceChar && IsBlank(s, content + run, end)) EndBlock();
                return null;
            }
            if (run >= 3 && s[content] is '`' or '~')
            {
                EndBlock();
                _fenceChar = s[content];
                _fenceLength = run;
                return null;
            }
            // A blank line, a new list item or a heading ends the paragraph: Markdig parses inlines per paragraph.
            if (IsBlank(s, content, end) || prefix.StartsListItem || IsAtxHeading(s, content, end)) EndBlock();
            return Inline(s, content, end);
        }

        private void EndBlock()
        {
            _fenceLength = 0;
            _brackets = _delimiterRuns = _bareLinks = 0;
        }

        private string? Inline(string s, int i, int end)
        {
            while (i < end)
            {
                var c = s[i];
                switch (c)
                {
                    case '\\':
                        i += 2; // an escaped character is literal text
                        continue;
                    case '[':
                        if (++_brackets > budget.MaxNesting) return $"link brackets are nested more than {budget.MaxNesting} levels deep";
                        break;
                    case ']':
                        if (_brackets > 0) _brackets--;
                        break;
                    case '*' or '_' or '~' or '^' or '=' or '+':
                        var length = RunLength(s, i, end);
                        if (IsDelimiter(s, i, length, end) && ++_delimiterRuns > budget.MaxDelimiterRunsPerBlock)
                        {
                            return $"a paragraph has more than {budget.MaxDelimiterRunsPerBlock} emphasis markers";
                        }
                        i += length;
                        continue;
                    default:
                        if (IsLinkBoundary(s, i) && StartsBareLink(s, i, end) && ++_bareLinks > budget.MaxBareLinksPerBlock)
                        {
                            return $"a paragraph has more than {budget.MaxBareLinksPerBlock} bare links";
                        }
                        break;
                }
                i++;
            }
            return null;
        }
    }

    /// <summary>A run of delimiters that can open or close emphasis (CommonMark's flanking rules).</summary>
    private static bool IsDelimiter(string s, int i, int length, int end)
    {
        // Inserted (++) and marked (==) text need two; a single one (a=b, C+) is text.
        if (s[i] is '=' or '+' && length < 2) return false;
        var before = i > 0 ? s[i - 1] : ' ';
        var after = i + length < end ? s[i + length] : ' ';
        var left = !char.IsWhiteSpace(after) && (!char.IsPunctuation(after) && !char.IsSymbol(after) || char.IsWhiteSpace(before) || char.IsPunctuation(before) || char.IsSymbol(before));
        var right = !char.IsWhiteSpace(before) && (!char.IsPunctuation(before) && !char.IsSymbol(before) || char.IsWhiteSpace(after) || char.IsPunctuation(after) || char.IsSymbol(after));
        // Underscores inside a word (snake_case) neither open nor close.
        if (s[i] == '_' && left && right && char.IsLetterOrDigit(before) && char.IsLetterOrDigit(after)) return false;
        return left || right;
    }

    /// <summary>Where Markdig's autolinking looks for a link: after a space, an emphasis marker or a parenthesis.</summary>
    private static bool IsLinkBoundary(string s, int i)
    {
        if (i == 0) return true;
        var before = s[i - 1];
        // "](" opens a link destination, which the link parser consumes whole.
        if (before == '(') return i < 2 || s[i - 2] != ']';
        return char.IsWhiteSpace(before) || before is '*' or '_' or '~';
    }

    private static readonly string[] LinkStarts = ["www.", "http://", "https://", "ftp://", "mailto:", "tel:"];

    private static bool StartsBareLink(string s, int i, int end)
    {
        if (s[i] is not ('w' or 'W' or 'h' or 'H' or 'f' or 'F' or 'm' or 'M' or 't' or 'T')) return false;
        foreach (var prefix in LinkStarts)
        {
            if (end - i >= prefix.Length && string.Compare(s, i, prefix, 0, prefix.Length, StringComparison.OrdinalIgnoreCase) == 0) return true;
        }
        return false;
    }

    private static int RunLength(string s, int i, int end)
    {
        if (i >= end) return 0;
        var c = s[i];
        var j = i;
        while (j < end && s[j] == c) j++;
        return j - i;
    }

    private static bool IsBlank(string s, int i, int end)
    {
        for (; i < end; i++)
        {
            if (s[i] is not (' ' or '\t')) return false;
        }
        return true;
    }

    private static bool IsAtxHeading(string s, int i, int end)
    {
        var hashes = RunLength(s, i, end);
        return i < end && s[i] == '#' && hashes <= 6 && (i + hashes == end || s[i + hashes] is ' ' or '\t');
    }
}
