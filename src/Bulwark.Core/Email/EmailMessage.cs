namespace Bulwark.Core.Email;

/// <summary>
/// One message to one recipient, with a plain-text and an HTML body (sent as multipart/alternative).
/// </summary>
/// <param name="To">The recipient address.</param>
/// <param name="Subject">Subject line, without the site name (the sender adds nothing).</param>
/// <param name="TextBody">Plain-text body.</param>
/// <param name="HtmlBody">HTML body; every interpolated value must already be HTML-encoded.</param>
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody)
{
    /// <summary>Extra headers (for example <c>X-Bulwark-Kind</c>); names are checked when the MIME message is built.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
