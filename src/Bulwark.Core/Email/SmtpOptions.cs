using System.ComponentModel.DataAnnotations;

namespace Bulwark.Core.Email;

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public SmtpTlsMode StartTls { get; set; } = SmtpTlsMode.Required;

    /// <summary>Optional; authentication is attempted only when a username is set.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;
}
