using MimeKit;

namespace Bulwark.Core.Email;

/// <summary>Turns an <see cref="EmailMessage"/> into the MIME message both senders write.</summary>
public static class MimeMessageFactory
{
    public static MimeMessage Create(EmailMessage message, string from, TimeProvider time)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(from));
        mime.To.Add(MailboxAddress.Parse(message.To));
        // Subjects come from templates that may interpolate user data (project names); a line break there
        // would be header injection, so it is flattened rather than trusted.
        mime.Subject = Flatten(message.Subject);
        mime.Date = time.GetUtcNow();
        mime.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(MailboxAddress.Parse(from).Domain is { Length: > 0 } d ? d : "localhost");
        foreach (var (name, value) in message.Headers)
        {
            if (!IsSafeHeaderName(name))
            {
                throw new ArgumentException($"'{name}' is not an allowed extra header name.", nameof(message));
            }
            mime.Headers.Add(name, Flatten(value));
        }
        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        mime.Body = body.ToMessageBody();
        return mime;
    }

    private static string Flatten(string value) => value.ReplaceLineEndings(" ");

    /// <summary>Only custom <c>X-</c> headers: addressing and structure headers are ours to set.</summary>
    private static bool IsSafeHeaderName(string name) =>
        name.Length is > 2 and <= 64
        && name.StartsWith("X-", StringComparison.OrdinalIgnoreCase)
        && name.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
