using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.TwoFactor;

namespace Bulwark.Core.Email;

/// <summary>
/// Messages about second factors, new devices and step-up failures. Each states what happened, when (UTC),
/// from which address and browser, and what to do if it was not the owner. None carries a secret except
/// the one-time links it exists to deliver.
/// </summary>
public static class SecurityEmails
{
    public static EmailMessage Factor(FactorNotice notice, Uri securityPage)
    {
        var user = notice.User;
        var method = notice.Method switch
        {
            SecondFactorMethod.Totp => "authenticator app",
            SecondFactorMethod.SecurityKey => "security key",
            SecondFactorMethod.Passkey => "passkey",
            _ => "two-factor method",
        };
        var named = notice.CredentialName is { Length: > 0 } n && notice.Method is not SecondFactorMethod.Totp ? $" \"{n}\"" : "";
        var (subject, kind, lead, advice) = notice.Kind switch
        {
            FactorNoticeKind.FactorAdded => ($"A {method} was added to your account", "factor-added",
                $"A {method}{named} was added to your account. It can now be used to sign in.",
                "If you did not add it, someone else controls your account: remove it, change your password and contact the index administrators."),
            FactorNoticeKind.FactorRemoved => ($"A {method} was removed from your account", "factor-removed",
                $"A {method}{named} was removed from your account. It can no longer be used to sign in.",
                "If you did not remove it, change your password at once and contact the index administrators."),
            FactorNoticeKind.TotpReplayed => ("A used authenticator code was entered again", "totp-replayed",
                "Someone entered your password together with an authenticator code that had already been used. It was refused. A code entered twice can mean that a fake sign-in page relayed it.",
                "If this was not you, your password is known to someone else: change it now, and prefer a security key or passkey, which a fake site cannot relay."),
            FactorNoticeKind.RecoveryCodesGenerated => ("New recovery codes were generated", "recovery-codes-generated",
                "A new set of recovery codes was generated for your account. The previous codes no longer work.",
                "If you did not do this, someone else controls your account: change your password and contact the index administrators."),
            FactorNoticeKind.RecoveryCodeUsed => ("A recovery code was used to sign in", "recovery-code-used",
                $"A recovery code was used to sign in to your account. {Remaining(notice.RecoveryCodesRemaining)}",
                "If this was not you, someone has your password and a recovery code: change your password, generate new recovery codes and contact the index administrators."),
            FactorNoticeKind.PossibleClonedKey => ($"Your {method}{named} was disabled: it may have been copied", "possible-cloned-key",
                $"Your {method}{named} signed in with a counter lower than before. Genuine keys never do that, so the key may have been copied. It has been disabled.",
                "Sign in another way, remove the key from your account settings, and register it again only if you are sure it never left your hands."),
            FactorNoticeKind.StepUpFailed => ("A confirmation before a sensitive action failed", "step-up-failed",
                "Someone signed in to your account tried to confirm their identity before a sensitive action (such as creating a token or changing a factor) and failed.",
                "If this was not you, someone holds a session of your account: sign out everywhere from the account page, change your password and contact the index administrators."),
            _ => ("Security notice for your account", "security-notice", "Something changed in your account's security settings.", "If it was not you, contact the index administrators."),
        };
        return new EmailBody()
            .Paragraph($"Hello {user.Username},")
            .Paragraph(lead)
            .Facts(("Time (UTC)", AccountEmails.Utc(notice.OccurredAt)), ("IP address", notice.IpAddress ?? "unknown"), ("Browser", notice.UserAgent ?? "unknown"))
            .Paragraph(advice)
            .Paragraph("Your two-factor settings:")
            .Link(securityPage)
            .ToMessage(user.Email, subject, kind);
    }

    public static EmailMessage NewDeviceSignIn(string to, string username, DateTimeOffset when, string? ipAddress, string? userAgent, AuthMethod method,
        Uri confirmLink, TimeSpan confirmValidFor, Uri notMeLink) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph($"Your account was signed in to from a browser we have not seen before, with your password and {(method == AuthMethod.PasswordAndRecoveryCode ? "a recovery code" : "an authenticator code")}.")
            .Facts(("Time (UTC)", AccountEmails.Utc(when)), ("IP address", ipAddress ?? "unknown"), ("Browser", userAgent ?? "unknown"))
            .Paragraph("Until this browser is confirmed it cannot create API tokens, change factors, e-mail address or password, or manage projects. If it was you, open this link in the same browser you signed in with:")
            .Link(confirmLink)
            .Paragraph($"The link works once, only in that browser, and expires in {AccountEmails.Describe(confirmValidFor)}. A security key or passkey confirms the browser too, and never needs this step.")
            .Paragraph("If it was NOT you, open this link at once. It signs out every session and freezes the account until it is recovered with the index administrators:")
            .Link(notMeLink)
            .ToMessage(to, "New sign-in to your account from an unrecognised browser", "new-device");

    public static EmailMessage SignInLink(string to, string username, DateTimeOffset when, string? ipAddress, string? userAgent,
        Uri continueLink, TimeSpan validFor, Uri notMeLink) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("Someone entered the right password for your account in a browser it has not used before. There have been many failed sign-ins for your account recently, so that sign-in waits for this e-mail.")
            .Facts(("Time (UTC)", AccountEmails.Utc(when)), ("IP address", ipAddress ?? "unknown"), ("Browser", userAgent ?? "unknown"))
            .Paragraph("If it was you, open this link in the same browser to finish signing in:")
            .Link(continueLink)
            .Paragraph($"The link works once, only in that browser, and expires in {AccountEmails.Describe(validFor)}. A passkey, or a browser you have signed in with before, signs in without this step.")
            .Paragraph("If it was NOT you, someone knows your password. Open this link at once: it signs out every session and freezes the account until it is recovered with the index administrators. Then choose a new password.")
            .Link(notMeLink)
            .ToMessage(to, "Finish signing in to your account", "continue-sign-in");

    public static EmailMessage DeviceConfirmationLink(string to, string username, DateTimeOffset when, string? ipAddress, string? userAgent, Uri confirmLink, TimeSpan validFor) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("You asked to confirm a browser that signed in to your account. Open this link in that same browser:")
            .Link(confirmLink)
            .Facts(("Requested (UTC)", AccountEmails.Utc(when)), ("IP address", ipAddress ?? "unknown"), ("Browser", userAgent ?? "unknown"))
            .Paragraph($"The link works once, only in the browser that asked for it, and expires in {AccountEmails.Describe(validFor)}. If you did not ask for this, do not open it; change your password and sign out everywhere from your account page.")
            .ToMessage(to, "Confirm the browser you signed in with", "confirm-device");

    public static EmailMessage AccountFrozen(string to, string username, DateTimeOffset when, string? ipAddress) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("You reported a sign-in as not yours. Your account is now frozen: every session was signed out, API tokens stop working, and nobody can sign in.")
            .Facts(("Time (UTC)", AccountEmails.Utc(when)), ("IP address", ipAddress ?? "unknown"))
            .Paragraph("Contact the index administrators to recover the account. They will restore it with a new password; then replace your two-factor methods and recovery codes.")
            .ToMessage(to, "Your account was frozen", "account-frozen");

    public static EmailMessage AccountFrozenByAdministrators(string to, string username, DateTimeOffset when, string reason, string contact) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("The index administrators froze your account because it may be in someone else's hands: every session was signed out, your API tokens are refused, and nobody can sign in.")
            .Facts(("Time (UTC)", AccountEmails.Utc(when)), ("Reason", reason))
            .Paragraph($"Contact {contact} to recover the account. They will review what it did, restore it with a new password, and ask you to enrol your two-factor methods again.")
            .ToMessage(to, "Your account was frozen by the administrators", "account-frozen-by-admin");

    public static EmailMessage AccountRestored(string to, string username, DateTimeOffset when, int tokensRevoked, Uri resetLink, TimeSpan validFor,
        DateTimeOffset windowStart, IReadOnlyList<string> activity)
    {
        var body = new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph("The index administrators restored your frozen account. Your old password no longer works, every session was signed out, "
                + "your two-factor methods and recovery codes were removed (someone else may have added their own)"
                + (tokensRevoked > 0 ? $" and your {tokensRevoked} API token{(tokensRevoked == 1 ? " was" : "s were")} revoked." : "."))
            .Facts(("Time (UTC)", AccountEmails.Utc(when)))
            .Paragraph($"Choose a new password with this link (valid for {AccountEmails.Describe(validFor)}, usable once):")
            .Link(resetLink)
            .Paragraph("Then sign in, enrol a security key or an authenticator app again (uploads to projects that require a second factor are refused until you do), generate new recovery codes, and create new API tokens where you need them.")
            .Paragraph(activity.Count == 0
                ? $"The account did nothing recorded since {AccountEmails.Utc(windowStart)}."
                : $"What the account did since {AccountEmails.Utc(windowStart)} (check that you recognise each line; tell the administrators about any you do not):");
        // The whole window would make an unreadable mail after a busy month; the responders hold the full review.
        foreach (var line in activity.Take(50)) body.Paragraph(line);
        if (activity.Count > 50) body.Paragraph($"... and {activity.Count - 50} more; ask the administrators for the full list.");
        return body.ToMessage(to, "Your account was restored", "account-restored");
    }

    private static string Remaining(int? remaining) => remaining switch
    {
        null => "",
        0 => "It was the last one: generate new recovery codes now.",
        1 => "1 recovery code is left.",
        _ => $"{remaining} recovery codes are left.",
    };
}
