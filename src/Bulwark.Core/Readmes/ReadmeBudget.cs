namespace Bulwark.Core.Readmes;

/// <summary>
/// How much work one project description may cost to render. A description is written by whoever uploads
/// a release, and Markdown renderers and HTML parsers have inputs that cost quadratic time or unbounded
/// recursion (deep quote or list nesting, runs of brackets or emphasis markers, thousands of bare links in
/// one paragraph, tens of thousands of unclosed HTML elements). Every limit here turns such input into
/// escaped plain text instead of work: a description over any of them is shown as text, with a note.
/// </summary>
public sealed record ReadmeBudget
{
    /// <summary>Longer descriptions are shown as text without being parsed (Markdown cost grows with length).</summary>
    public int MaxInputChars { get; init; } = 512 * 1024;

    /// <summary>
    /// Deepest nesting of block quotes and lists, and of link brackets within one paragraph. Markdig's own
    /// limit is set to the same value; the pre-scan finds most offenders before Markdig spends time on them.
    /// </summary>
    public int MaxNesting { get; init; } = 32;

    /// <summary>Emphasis delimiter runs (<c>*</c>, <c>_</c>, <c>~</c>) that may open or close, per paragraph.</summary>
    public int MaxDelimiterRunsPerBlock { get; init; } = 5_000;

    /// <summary>Bare links (<c>www.</c>, <c>https://</c>...) per paragraph: Markdig's autolinking is quadratic in them.</summary>
    public int MaxBareLinksPerBlock { get; init; } = 2_000;

    /// <summary>Upper bound on the HTML Markdig produces and on the sanitized HTML that is stored.</summary>
    public int MaxHtmlChars { get; init; } = 2 * 1024 * 1024;

    /// <summary>HTML elements (start tags) the sanitizer's parser may meet.</summary>
    public int MaxElements { get; init; } = 50_000;

    /// <summary>Nesting of HTML elements (raw HTML included) the sanitizer's parser may build.</summary>
    public int MaxHtmlDepth { get; init; } = 256;

    /// <summary>Wall-clock time for one render; checked inside Markdig's parsers and the HTML tokenizer.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an upload's render waits for the render worker to be free before it is put off to the first view.</summary>
    public TimeSpan SlotWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The same for a page view, which shows the text meanwhile rather than keep the reader waiting.</summary>
    public TimeSpan ViewSlotWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Stack of the render worker thread: ample for the nesting allowed above, and bounded.</summary>
    public int WorkerStackBytes { get; init; } = 16 * 1024 * 1024;
}
