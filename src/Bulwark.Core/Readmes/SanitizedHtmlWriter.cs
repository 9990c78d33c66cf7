using System.Text;
using AngleSharp.Dom;

namespace Bulwark.Core.Readmes;

/// <summary>
/// Serializes the sanitized tree as HTML, following the HTML fragment serialization rules for the elements
/// the sanitizer allows. AngleSharp's own serializer is quadratic in the number of siblings (40,000 paragraphs
/// took seconds); this writer is linear and stops at the output budget. Text is always escaped (none of the
/// allowed elements holds raw text), comments and anything outside the HTML namespace are dropped.
/// </summary>
internal static class SanitizedHtmlWriter
{
    private static readonly HashSet<string> Void =
    [
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link",
        "meta", "param", "source", "track", "wbr",
    ];

    public static string Write(INode parent, int maxChars)
    {
        var output = new StringBuilder();
        WriteChildren(parent, output, maxChars);
        return output.ToString();
    }

    private static void WriteChildren(INode parent, StringBuilder output, int maxChars)
    {
        var children = parent.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            switch (children[i])
            {
                case IElement element when element.NamespaceUri == NamespaceNames.HtmlUri:
                    WriteElement(element, output, maxChars);
                    break;
                case IText text:
                    Escape(text.Data, output, inAttribute: false);
                    break;
            }
            if (output.Length > maxChars) throw new ReadmeBudgetExceededException($"its HTML is longer than {maxChars} characters");
        }
    }

    private static void WriteElement(IElement element, StringBuilder output, int maxChars)
    {
        var name = element.LocalName;
        output.Append('<').Append(name);
        foreach (var attribute in element.Attributes)
        {
            output.Append(' ').Append(attribute.LocalName).Append("=\"");
            Escape(attribute.Value, output, inAttribute: true);
            output.Append('"');
        }
        output.Append('>');
        if (Void.Contains(name)) return;
        // The parser drops one newline right after <pre>, <textarea> and <listing>; write it back so it survives.
        if (name is "pre" or "textarea" or "listing" && element.FirstChild is IText { Data: ['\n', ..] }) output.Append('\n');
        WriteChildren(element, output, maxChars);
        output.Append("</").Append(name).Append('>');
    }

    private static void Escape(string value, StringBuilder output, bool inAttribute)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '&': output.Append("&amp;"); break;
                case '\u00A0': output.Append("&nbsp;"); break;
                case '<': output.Append("&lt;"); break;
                case '>': output.Append("&gt;"); break;
                case '"' when inAttribute: output.Append("&quot;"); break;
                default: output.Append(c); break;
            }
        }
    }
}
