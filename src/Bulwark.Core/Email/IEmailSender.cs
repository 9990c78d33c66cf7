namespace Bulwark.Core.Email;

/// <summary>Delivers a message. Implementations: pickup directory (default) and SMTP.</summary>
public interface IEmailSender
{
    /// <summary>Delivers <paramref name="message"/> or throws; a return means the transport accepted it.</summary>
    Task SendAsync(EmailMessage message, CancellationToken ct = default);
}
