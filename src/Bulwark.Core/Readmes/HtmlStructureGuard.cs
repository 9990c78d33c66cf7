using AngleSharp.Html.Parser;
using AngleSharp.Html.Parser.Tokens;
using AngleSharp.Text;

namespace Bulwark.Core.Readmes;

/// <summary>
/// Watches the tokens the sanitizer's HTML parser reads and stops the parse when the markup grows past the
/// budget. The HTML tree builder does work proportional to the depth of open elements for many tokens, so
/// 100,000 unclosed <c>&lt;div&gt;</c> cost minutes; here the parse ends after <see cref="ReadmeBudget.MaxHtmlDepth"/>.
/// The depth is a model of the parser's stack of open elements that never pops more than the real one would
/// (it pops only through elements that are not "special" in the HTML parsing rules), so it over-estimates.
/// Seeing the parser's own tokens means comments, quoted attributes and raw text are read exactly as it reads them.
/// </summary>
internal sealed class HtmlStructureGuard(ReadmeBudget budget, RenderDeadline deadline)
{
    private static readonly HashSet<string> Void =
    [
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input", "keygen",
        "link", "meta", "param", "source", "track", "wbr",
    ];

    /// <summary>Elements the parser treats as scope boundaries or "special": an end tag is never matched through them.</summary>
    private static readonly HashSet<string> Special =
    [
        "address", "applet", "article", "aside", "blockquote", "body", "button", "caption", "center", "colgroup", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset",
        "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "html", "iframe", "li", "listing", "main",
        "marquee", "menu", "nav", "noembed", "noframes", "noscript", "object", "ol", "p", "plaintext", "pre", "script",
        "search", "section", "select", "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th",
        "thead", "title", "tr", "ul", "xmp", "mi", "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc",
        "svg", "math",
    ];

    /// <summary>Start tags that close an open <c>p</c> that is the current element.</summary>
    private static readonly HashSet<string> ClosesParagraph =
    [
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "dd", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
        "hr", "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "search", "section", "summary", "table", "ul", "xmp",
    ];

    /// <summary>Ignored by the parser outside a table.</summary>
    private static readonly HashSet<string> TableParts = ["caption", "col", "colgroup", "tbody", "td", "tfoot", "th", "thead", "tr"];

    private readonly List<string> _open = [];
    private int _elements;
    private int _tables;
    private int _foreign;

    /// <summary>The parser's token callback (<see cref="HtmlParserOptions.OnToken"/>).</summary>
    public void OnToken(HtmlToken token, TextRange range)
    {
        deadline.CheckOften();
        if (token.Type == HtmlTokenType.StartTag) Start(token.Name, ((HtmlTagToken)token).IsSelfClosing);
        else if (token.Type == HtmlTokenType.EndTag) End(token.Name);
    }

    private void Start(string name, bool selfClosing)
    {
        if (++_elements > budget.MaxElements) throw new ReadmeBudgetExceededException($"it has more than {budget.MaxElements} HTML elements");
        if (name is "html" or "head" or "body") return; // merged into the existing ones
        if (TableParts.Contains(name) && _tables == 0) return;
        CloseImplied(name);
        if (Void.Contains(name) || selfClosing && _foreign > 0) return;
        Push(name);
        if (_open.Count > budget.MaxHtmlDepth) throw new ReadmeBudgetExceededException($"HTML elements are nested more than {budget.MaxHtmlDepth} levels deep");
    }

    /// <summary>End tags the parser implies when the current element is the one named (it may close more, never fewer).</summary>
    private void CloseImplied(string name)
    {
        var top = Top;
        if (top == "p" && ClosesParagraph.Contains(name)) Pop();
        else if (name is "li" && top == "li") Pop();
        else if (name is "dd" or "dt" && top is "dd" or "dt") Pop();
        else if (name is "option" && top == "option") Pop();
        else if (name is "a" && top == "a") Pop();
        else if (name.Length == 2 && name[0] == 'h' && name[1] is >= '1' and <= '6' && top is { Length: 2 } && top[0] == 'h' && top[1] is >= '1' and <= '6') Pop();
        else if (name is "td" or "th" or "tr" && top is "td" or "th")
        {
            Pop();
            if (name == "tr" && Top == "tr") Pop();
        }
        else if (name is "tr" && top == "tr") Pop();
    }

    private void End(string name)
    {
        if (name is "html" or "head" or "body" or "form" or "template" or "br") return;
        for (var i = _open.Count - 1; i >= 0; i--)
        {
            if (_open[i] == name)
            {
                while (_open.Count > i) Pop();
                return;
            }
            if (Special.Contains(_open[i])) return;
        }
    }

    private string? Top => _open.Count > 0 ? _open[^1] : null;

    private void Push(string name)
    {
        _open.Add(name);
        if (name == "table") _tables++;
        else if (name is "svg" or "math") _foreign++;
    }

    private void Pop()
    {
        var name = _open[^1];
        _open.RemoveAt(_open.Count - 1);
        if (name == "table") _tables--;
        else if (name is "svg" or "math") _foreign--;
    }
}
