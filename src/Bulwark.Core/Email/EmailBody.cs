using System.Net;
using System.Text;

namespace Bulwark.Core.Email;

/// <summary>
/// Builds the plain-text and HTML bodies side by side. Every value goes through <see cref="WebUtility.HtmlEncode(string)"/>
/// on the HTML side, so a username or project name can never become markup in a mail client.
/// </summary>
public sealed class EmailBody
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _html = new();

    public EmailBody Paragraph(string text)
    {
        _text.Append(text).Append("\n\n");
        _html.Append("<p>").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A link on a line of its own; only http(s) links are accepted, so no <c>javascript:</c> can slip in.</summary>
    public EmailBody Link(Uri link)
    {
        if (!link.IsAbsoluteUri || link.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException("E-mail links must be absolute http(s) URLs.", nameof(link));
        }
        var url = link.AbsoluteUri;
        _text.Append(url).Append("\n\n");
        _html.Append("<p><a href=\"").Append(Encode(url)).Append("\">").Append(Encode(url)).Append("</a></p>\n");
        return this;
    }

    public EmailBody Facts(params (string Label, string Value)[] rows)
    {
        _html.Append("<ul>\n");
        foreach (var (label, value) in rows)
        {
            _text.Append("  ").Append(label).Append(": ").Append(value).Append('\n');
            _html.Append("<li>").Append(Encode(label)).Append(": ").Append(Encode(value)).Append("</li>\n");
        }
        _text.Append('\n');
        _html.Append("</ul>\n");
        return this;
    }

    public EmailMessage ToMessage(string to, string subject, string kind)
    {
        var footer = "This message was sent by the Bulwark package index because of activity on your account.";
        var text = _text.ToString() + "-- \n" + footer + "\n";
        var html = "<!DOCTYPE html>\n<html><body>\n" + _html + "<hr>\n<p><small>" + Encode(footer) + "</small></p>\n</body></html>\n";
        return new EmailMessage(to, subject, text, html)
        {
            Headers = new Dictionary<string, string> { ["X-Bulwark-Kind"] = kind },
        };
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
