using MailKit.Net.Smtp;
using MailKit.Security;

namespace Bulwark.Core.Email;

/// <summary>Relays messages through an SMTP server with MailKit; one connection per message.</summary>
public sealed class SmtpEmailSender(SmtpOptions options, string from, TimeProvider time) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            throw new InvalidOperationException("Bulwark:Email:Smtp:Host is not set.");
        }
        var mime = MimeMessageFactory.Create(message, from, time);
        using var client = new SmtpClient { Timeout = options.TimeoutSeconds * 1000 };
        await client.ConnectAsync(options.Host, options.Port, SocketOptions(options.StartTls), ct);
        if (!string.IsNullOrEmpty(options.Username))
        {
            // With Required or Implicit the connection is encrypted by now (Connect throws otherwise), so the
            // password never crosses the network in the clear; None/WhenAvailable are the operator's choice
            // for a trusted relay.
            await client.AuthenticateAsync(options.Username, options.Password ?? "", ct);
        }
        await client.SendAsync(mime, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    private static SecureSocketOptions SocketOptions(SmtpTlsMode mode) => mode switch
    {
        SmtpTlsMode.Required => SecureSocketOptions.StartTls,
        SmtpTlsMode.WhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpTlsMode.Implicit => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.None,
    };
}
