using System.Globalization;

namespace Bulwark.Core.Email;

/// <summary>
/// Messages about an account. None carries a secret except the one-time link it exists to deliver; the
/// times are UTC and written out, so a reader can match them with the security history page.
/// </summary>
public static class AccountEmails
{
    public static EmailMessage VerifyEmail(string to, string username, Uri link, TimeSpan validFor) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("Please confirm that this is your e-mail address by opening the link below. Until you do, you cannot create API tokens or upload packages.")
            .Link(link)
            .Paragraph($"The link works once and expires in {Describe(validFor)}. If you did not create an account, ignore this message: no account will use this address unless the link is opened.")
            .ToMessage(to, "Verify your e-mail address", "verify-email");

    /// <summary>Sent instead of a second account when someone signs up with an address that already has one.</summary>
    public static EmailMessage RegistrationAttempt(string to, string existingUsername, Uri signInLink, Uri resetLink) =>
        new EmailBody()
            .Paragraph($"Hello {existingUsername},")
            .Paragraph("Someone tried to create a new account with this e-mail address, which already belongs to your account. No new account was created.")
            .Paragraph("If it was you, sign in instead:")
            .Link(signInLink)
            .Paragraph("If you forgot your password, you can reset it here:")
            .Link(resetLink)
            .Paragraph("If it was not you, you can ignore this message.")
            .ToMessage(to, "Someone tried to register with your e-mail address", "registration-attempt");

    public static EmailMessage PasswordReset(string to, string username, Uri link, TimeSpan validFor) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("Someone asked to reset the password of your account. To choose a new password, open this link:")
            .Link(link)
            .Paragraph($"The link works once and expires in {Describe(validFor)}. If you did not ask for this, ignore this message: your password stays as it is.")
            .ToMessage(to, "Reset your password", "password-reset");

    public static EmailMessage PasswordChanged(string to, string username, DateTimeOffset when, string? ipAddress, bool byReset) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph(byReset
                ? "The password of your account was reset using a link sent to this address. Every session was signed out."
                : "The password of your account was changed. Every other session was signed out.")
            .Facts(("Time (UTC)", Utc(when)), ("IP address", ipAddress ?? "unknown"))
            .Paragraph("If you did not do this, reset your password at once and contact the index administrators.")
            .ToMessage(to, "Your password was changed", "password-changed");

    /// <summary>Sent to the new address: the change takes effect only when this link is opened.</summary>
    public static EmailMessage VerifyNewEmail(string to, string username, Uri link, TimeSpan validFor) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("You asked to use this address for your account. Open the link below to confirm it:")
            .Link(link)
            .Paragraph($"The link works once and expires in {Describe(validFor)}. Until then the account keeps its current address. If you did not ask for this, ignore this message.")
            .ToMessage(to, "Confirm your new e-mail address", "verify-new-email");

    /// <summary>Sent to the new address when it already belongs to another account; says nothing about that account.</summary>
    public static EmailMessage EmailChangeAttempt(string to) =>
        new EmailBody()
            .Paragraph("Hello,")
            .Paragraph("Someone asked to use this e-mail address for a Bulwark account, but the address is already in use, so nothing was changed.")
            .Paragraph("If it was not you, you can ignore this message.")
            .ToMessage(to, "Your e-mail address was not added to another account", "email-change-attempt");

    /// <summary>Sent to the OLD address once the new one is confirmed, so a hijacked account does not go unnoticed.</summary>
    public static EmailMessage EmailChanged(string oldAddress, string username, string newAddress, DateTimeOffset when, string? ipAddress) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("The e-mail address of your account was changed. Messages about the account now go to the new address.")
            .Facts(("New address", newAddress), ("Time (UTC)", Utc(when)), ("IP address", ipAddress ?? "unknown"))
            .Paragraph("If you did not do this, contact the index administrators at once.")
            .ToMessage(oldAddress, "Your e-mail address was changed", "email-changed");

    public static EmailMessage ApiTokenCreated(string to, string username, string tokenName, IReadOnlyCollection<string> projects, DateTimeOffset? expiresAt, DateTimeOffset when, string? ipAddress) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("A new API token was created for your account.")
            .Facts(
                ("Name", tokenName),
                ("Scope", projects.Count == 0 ? "all your projects" : string.Join(", ", projects)),
                ("Expires", expiresAt is { } e ? Utc(e) : "never"),
                ("Time (UTC)", Utc(when)),
                ("IP address", ipAddress ?? "unknown"))
            .Paragraph("If you did not create it, revoke it on your account page, change your password and contact the index administrators.")
            .ToMessage(to, $"API token \"{tokenName}\" created", "token-created");

    internal static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    internal static string Describe(TimeSpan t) =>
        t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours)
            ? (t.TotalHours == 1 ? "1 hour" : $"{t.TotalHours:0} hours")
            : (t.TotalMinutes == 1 ? "1 minute" : $"{Math.Ceiling(t.TotalMinutes):0} minutes");
}
