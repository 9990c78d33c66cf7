using Ganss.Xss;
using Markdig;
using Microsoft.AspNetCore.Html;

namespace Bulwark.Rendering;

/// <summary>How a project description is shown.</summary>
public enum ReadmeKind
{
    None,
    /// <summary>text/markdown: rendered to HTML, then sanitized.</summary>
    Markdown,
    /// <summary>text/plain, text/x-rst, or anything unknown: shown as escaped preformatted text.</summary>
    PlainText,
}

public sealed record RenderedReadme(ReadmeKind Kind, IHtmlContent? Html, string? Text);

/// <summary>
/// Turns a release's description into something safe to put in a page. The description is written by
/// whoever uploaded the release, so Markdown goes through an allow-list sanitizer after rendering: raw
/// HTML is permitted by CommonMark, and a README must never be able to run script or submit forms in
/// the index's origin. reStructuredText is not rendered (no maintained .NET renderer); it is shown as text.
/// </summary>
public sealed class ReadmeRenderer
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

    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .UseFootnotes()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public RenderedReadme Render(string? description, string? contentType)
    {
        if (string.IsNullOrWhiteSpace(description)) return new(ReadmeKind.None, null, null);
        if (!IsMarkdown(contentType)) return new(ReadmeKind.PlainText, null, description);
        var html = Markdown.ToHtml(description, _pipeline);
        return new(ReadmeKind.Markdown, new HtmlString(_sanitizer.Sanitize(html)), null);
    }

    public static bool IsMarkdown(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return false;
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("text/markdown", StringComparison.OrdinalIgnoreCase);
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(AllowedAttributes, StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src", "srcset"], StringComparer.OrdinalIgnoreCase),
            // No style attributes or CSS at all: the site's CSP forbids inline styles anyway.
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        };
        var sanitizer = new HtmlSanitizer(options);
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link && link.HasAttribute("href"))
            {
                // Links in user content are not endorsed by the index and must not reach back through window.opener.
                link.SetAttribute("rel", "nofollow ugc noopener noreferrer");
            }
        };
        return sanitizer;
    }
}
