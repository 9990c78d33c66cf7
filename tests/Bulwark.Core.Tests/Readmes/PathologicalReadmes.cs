using System.Text;

namespace Bulwark.Core.Tests.Readmes;

/// <summary>What rendering a pathological description must end in.</summary>
public enum ReadmeExpectation
{
    /// <summary>Rendered to HTML within the budget.</summary>
    Renders,

    /// <summary>Over the budget: shown as text, for the reason in <see cref="PathologicalReadme.Reason"/>.</summary>
    FallsBack,

    /// <summary>Not Markdown: shown as text without being parsed.</summary>
    PlainText,

    /// <summary>Either rendered or stopped by the time limit, depending on the machine's speed.</summary>
    RendersOrTimesOut,
}

/// <summary>
/// A description shaped to make a Markdown renderer or HTML parser slow, deep or large. <see cref="Text"/>
/// starts with a line naming the case, so a page can be checked to show it whichever way it is shown.
/// </summary>
public sealed record PathologicalReadme(string Name, string Body, ReadmeExpectation Expect, string? Reason = null, string ContentType = "text/markdown")
{
    public string Marker => $"Readme case {Name}";

    public string Text => Marker + "\n\n" + Body;

    public override string ToString() => Name;
}

/// <summary>
/// The shapes of the hostile README report (long runs of quote markers, brackets and emphasis markers, lists
/// nested a thousand deep, 100,000 <c>&lt;div&gt;</c>, 100,000 bare <c>www.</c> links) and their relatives.
/// Shared by the renderer's unit tests, the page tests and the hostile corpus.
/// </summary>
public static class PathologicalReadmes
{
    private const string Nested = "nested more than";
    private const string Brackets = "link brackets";
    private const string Emphasis = "emphasis markers";
    private const string Links = "bare links";
    private const string TooLong = "longer than 512 KiB";
    private const string HtmlDepth = "HTML elements are nested";
    private const string Elements = "more than 50000 HTML elements";
    private const string LongHtml = "HTML is longer";

    public static IReadOnlyList<PathologicalReadme> All { get; } =
    [
        // Block quotes and lists.
        new("quote-run", new string('>', 100_000) + " deep", ReadmeExpectation.FallsBack, Nested),
        new("quote-run-spaced", Repeat("> ", 60_000) + "deep", ReadmeExpectation.FallsBack, Nested),
        new("quote-staircase", Lines(400, i => new string('>', i + 1) + " q"), ReadmeExpectation.FallsBack, Nested),
        new("list-inline", Repeat("- ", 100_000) + "x", ReadmeExpectation.FallsBack, Nested),
        new("ordered-list-inline", Repeat("1. ", 100_000) + "x", ReadmeExpectation.FallsBack, Nested),
        new("quote-and-list-inline", Repeat("> - ", 50_000) + "x", ReadmeExpectation.FallsBack, Nested),
        new("list-indented-600-deep", Lines(600, i => new string(' ', 2 * i) + "- x"), ReadmeExpectation.FallsBack, Nested),
        new("list-indented-1000-deep", Lines(1000, i => new string(' ', 2 * i) + "- x"), ReadmeExpectation.FallsBack, TooLong),
        // Brackets.
        new("bracket-run", new string('[', 100_000) + "x", ReadmeExpectation.FallsBack, Brackets),
        new("bracket-words", Repeat("[a ", 100_000), ReadmeExpectation.FallsBack, Brackets),
        new("image-brackets", Repeat("![a ", 100_000), ReadmeExpectation.FallsBack, Brackets),
        new("links-nested", Repeat("[a", 30_000) + Repeat("](b)", 30_000), ReadmeExpectation.FallsBack, Brackets),
        new("link-destination-parentheses", Repeat("[a](b(", 5_000), ReadmeExpectation.RendersOrTimesOut),
        // Emphasis.
        new("emphasis-words", Repeat("*a ", 100_000), ReadmeExpectation.FallsBack, Emphasis),
        new("underscore-words", Repeat("_a ", 100_000), ReadmeExpectation.FallsBack, Emphasis),
        new("strong-words", Repeat("**a ", 100_000), ReadmeExpectation.FallsBack, Emphasis),
        new("emphasis-mixed", Repeat("*a **b ", 50_000), ReadmeExpectation.FallsBack, Emphasis),
        new("strikethrough-words", Repeat("~~a ", 100_000), ReadmeExpectation.FallsBack, Emphasis),
        new("emphasis-in-table", "|a|b|\n|-|-|\n" + Repeat("|*x|y*|\n", 10_000), ReadmeExpectation.FallsBack, Emphasis),
        new("star-run", new string('*', 100_000) + "x", ReadmeExpectation.Renders),
        // Raw HTML.
        new("div-run", Repeat("<div>", 100_000), ReadmeExpectation.FallsBack, HtmlDepth),
        new("div-lines", Repeat("<div>\n", 80_000), ReadmeExpectation.FallsBack, HtmlDepth),
        new("span-run", "x " + Repeat("<span>", 40_000), ReadmeExpectation.FallsBack, HtmlDepth),
        new("bold-run", Repeat("<b>", 40_000), ReadmeExpectation.FallsBack, HtmlDepth),
        new("blockquote-html-run", Repeat("<blockquote>", 40_000), ReadmeExpectation.FallsBack, HtmlDepth),
        new("div-closed-in-comment", Repeat("<div><!--</div>-->", 25_000), ReadmeExpectation.FallsBack, HtmlDepth),
        new("div-closed-in-attribute", Repeat("<div title=\"</div>\">", 25_000), ReadmeExpectation.FallsBack, HtmlDepth),
        new("table-cells", "<table>" + Repeat("<tr><td>", 40_000), ReadmeExpectation.FallsBack, Elements),
        new("inline-elements", Repeat("<i>x</i>", 60_000), ReadmeExpectation.FallsBack, Elements),
        new("heading-flood", Repeat("# a\n", 60_000), ReadmeExpectation.FallsBack, Elements),
        new("divs-in-script", "<script>" + Repeat("<div>", 90_000) + "</script>", ReadmeExpectation.Renders),
        // Links.
        new("www-links", Repeat("www.a.com ", 50_000), ReadmeExpectation.FallsBack, Links),
        new("www-links-100k", Repeat("www.a.com ", 100_000), ReadmeExpectation.FallsBack, TooLong),
        new("www-lines", Repeat("www.example.com\n", 30_000), ReadmeExpectation.FallsBack, Links),
        new("https-links", Repeat("https://a.io ", 40_000), ReadmeExpectation.FallsBack, Links),
        new("angle-autolinks", Repeat("<http://a> ", 10_000), ReadmeExpectation.Renders),
        new("angle-autolinks-flood", Repeat("<http://a> ", 40_000), ReadmeExpectation.FallsBack, LongHtml),
        new("footnote-flood", Repeat("[^a]: ", 30_000) + "x", ReadmeExpectation.FallsBack, Emphasis),
        // Size, escapes, other content types.
        new("oversize", new string('a', 600_000), ReadmeExpectation.FallsBack, TooLong),
        new("backslash-run", new string('\\', 200_000), ReadmeExpectation.Renders),
        new("entity-flood", Repeat("&#9999999;", 40_000), ReadmeExpectation.Renders),
        new("rst-brackets", new string('[', 100_000), ReadmeExpectation.PlainText, ContentType: "text/x-rst"),
        new("plain-divs", Repeat("<div>", 100_000), ReadmeExpectation.PlainText, ContentType: "text/plain"),
        // What ordinary READMEs do must still render.
        new("ordinary", Ordinary, ReadmeExpectation.Renders),
        new("thematic-break-of-dashes", Repeat("- ", 40) + "\n\ntext", ReadmeExpectation.Renders),
        new("snake-case-table", "| option | default |\n|---|---|\n" + Lines(3_000, i => $"| max_retry_count_{i} | some_value_{i} |"), ReadmeExpectation.Renders),
    ];

    public static PathologicalReadme Named(string name) => All.Single(r => r.Name == name);

    private const string Ordinary = """
        # Project

        Some **bold**, some _emphasis_ and a [link](https://example.org/docs), see www.example.org.

        > A quote
        > > nested once

        - one
          - two
            - three
              1. four

        | a | b |
        |---|---|
        | 1 | 2 |

        <p align="center"><img src="https://example.org/logo.png" alt="logo"></p>

        ```python
        print([[[[1]]]])  # brackets in code are not links
        ```
        """;

    private static string Repeat(string unit, int count) => new StringBuilder(unit.Length * count).Insert(0, unit, count).ToString();

    private static string Lines(int count, Func<int, string> line)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++) text.Append(line(i)).Append('\n');
        return text.ToString();
    }
}
