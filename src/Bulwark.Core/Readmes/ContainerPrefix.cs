namespace Bulwark.Core.Readmes;

/// <summary>
/// The container markers at the start of a Markdown line: block quote markers (<c>&gt;</c>) and list item
/// markers (<c>-</c>, <c>*</c>, <c>+</c>, <c>1.</c>, <c>1)</c>), with the whitespace between them.
/// </summary>
internal readonly record struct ContainerPrefix(int Markers, int IndentColumns, int ContentStart, bool StartsListItem)
{
    /// <summary>
    /// An upper bound on how deeply the line nests: every marker opens at most one container, and a list item
    /// nested in another must be indented by at least two columns more than its parent, so indentation
    /// before the last marker can hide at most one level per two columns.
    /// </summary>
    public int EstimatedDepth => Markers + IndentColumns / 2;

    public static ContainerPrefix Read(string s, int start, int end)
    {
        int i = start, column = 0, markers = 0, indentBeforeLast = 0, whitespace = 0;
        var lastIsListItem = false;
        var firstList = -1;
        while (true)
        {
            while (i < end && s[i] is ' ' or '\t')
            {
                var width = s[i] == '\t' ? 4 - column % 4 : 1;
                column += width;
                whitespace += width;
                i++;
            }
            if (i >= end) break;
            var markerEnd = MarkerEnd(s, i, end, out var isList, out var startsAtOne);
            if (markerEnd < 0) break;
            if (isList && firstList < 0) firstList = i;
            markers++;
            indentBeforeLast = whitespace;
            lastIsListItem = isList && startsAtOne;
            column += markerEnd - i;
            i = markerEnd;
        }
        // "- - -" and "* * *" are thematic breaks, not three nested lists.
        if (firstList >= 0 && IsThematicBreak(s, firstList, end))
        {
            markers -= CountListMarkers(s, firstList, end);
            lastIsListItem = false;
        }
        var hasContent = i < end;
        return new ContainerPrefix(markers, indentBeforeLast, i, lastIsListItem && hasContent);
    }

    /// <returns>The index after the marker at <paramref name="i"/>, or -1 when there is none.</returns>
    private static int MarkerEnd(string s, int i, int end, out bool isList, out bool startsAtOne)
    {
        isList = false;
        startsAtOne = false;
        if (s[i] == '>') return i + 1;
        if (s[i] is '-' or '*' or '+')
        {
            if (i + 1 < end && s[i + 1] is not (' ' or '\t')) return -1;
            isList = startsAtOne = true; // a bullet item may interrupt a paragraph
            return i + 1;
        }
        var j = i;
        while (j < end && j - i < 9 && char.IsAsciiDigit(s[j])) j++;
        if (j == i || j >= end || s[j] is not ('.' or ')')) return -1;
        if (j + 1 < end && s[j + 1] is not (' ' or '\t')) return -1;
        isList = true;
        // Only an ordered list starting at 1 may interrupt a paragraph; "2." there is paragraph text.
        startsAtOne = j - i == 1 && s[i] == '1';
        return j + 1;
    }

    private static bool IsThematicBreak(string s, int i, int end)
    {
        var c = s[i];
        if (c is not ('-' or '*' or '_')) return false;
        var count = 0;
        for (; i < end; i++)
        {
            if (s[i] == c) count++;
            else if (s[i] is not (' ' or '\t')) return false;
        }
        return count >= 3;
    }

    private static int CountListMarkers(string s, int i, int end)
    {
        var count = 0;
        for (; i < end; i++)
        {
            if (s[i] is '-' or '*' or '+') count++;
        }
        return count;
    }
}
