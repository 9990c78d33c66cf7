using System.ComponentModel.DataAnnotations;

namespace Bulwark.Core.Email;

public enum EmailMode
{
    /// <summary>Write each message as an .eml file into <c>{DataDirectory}/mail</c>: needs nothing else.</summary>
    Pickup,
    /// <summary>Relay through an SMTP server.</summary>
    Smtp,
}

/// <summary>How TLS is used on the SMTP connection.</summary>
public enum SmtpTlsMode
{
    /// <summary>Upgrade with STARTTLS and refuse to send if the server does not offer it.</summary>
    Required,
    /// <summary>Upgrade with STARTTLS when offered, otherwise send in the clear (local relays only).</summary>
    WhenAvailable,
    /// <summary>Never upgrade (a relay on loopback or in a trusted network).</summary>
    None,
    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Implicit,
}

/// <summary>The <c>Bulwark:Email</c> configuration section.</summary>
public sealed class EmailOptions
{
    public const string Section = "Bulwark:Email";

    public EmailMode Mode { get; set; } = EmailMode.Pickup;

    /// <summary>The From address, optionally with a display name: <c>Bulwark &lt;noreply@example.org&gt;</c>.</summary>
    [Required]
    public string From { get; set; } = "Bulwark <noreply@localhost>";

    /// <summary>Pickup directory; null means <c>{DataDirectory}/mail</c>.</summary>
    public string? PickupDirectory { get; set; }

    public SmtpOptions Smtp { get; set; } = new();
}
