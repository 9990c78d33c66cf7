using AngleSharp;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Bulwark.Core.Readmes;

/// <summary>
/// The allow-list sanitizer every rendered description goes through. CommonMark passes raw HTML on, and a
/// description must never run script, submit forms or style itself over the index's pages in the index's
/// origin. The parse it does is bounded by <see cref="HtmlStructureGuard"/>, and its output written by
/// <see cref="SanitizedHtmlWriter"/>.
/// </summary>
internal static class ReadmeSanitizer
{
    private static readonly string[] AllowedTags =
    [
        "a", "abbr", "acronym", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s", "samp",
        "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "tt", "ul", "picture", "source", "figure", "figcaption", "caption", "colgroup", "col", "mark", "small", "var",
    ];

    private static readonly string[] AllowedAttributes =
    [
        "href", "title", "alt", "src", "srcset", "width", "height", "align", "colspan", "rowspan", "lang", "dir",
        "start", "reversed", "type", "media", "open", "abbr", "scope",
    ];

    public static string Sanitize(string html, ReadmeBudget budget, RenderDeadline deadline)
    {
        var guard = new HtmlStructureGuard(budget, deadline);
        var sanitizer = Create(() => new HtmlParser(
            // The guard stops the parse first; the parser's own depth cap also bounds the tree the writer walks.
            new HtmlParserOptions { OnToken = guard.OnToken, MaximumDepth = budget.MaxHtmlDepth + 16 },
            BrowsingContext.New(Configuration.Default)));
        using var document = sanitizer.SanitizeDom(html);
        deadline.Check();
        return document.Body is { } body ? SanitizedHtmlWriter.Write(body, budget.MaxHtmlChars) : "";
    }

    private static HtmlSanitizer Create(Func<HtmlParser> parser)
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(AllowedAttributes, StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src", "srcset"], StringComparer.OrdinalIgnoreCase),
            // No style attributes or CSS at all: the site's CSP forbids inline styles anyway.
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<CssRuleType>(),
        };
        var sanitizer = new HtmlSanitizer(options) { HtmlParserFactory = parser };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement { TagName: "A" } link && link.HasAttribute("href"))
            {
                // Links in user content are not endorsed by the index and must not reach back through window.opener.
                link.SetAttribute("rel", "nofollow ugc noopener noreferrer");
            }
        };
        return sanitizer;
    }
}
