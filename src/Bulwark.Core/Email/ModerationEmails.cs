namespace Bulwark.Core.Email;

/// <summary>Messages of incident response: to maintainers when their project is quarantined, to reporters on a verdict.</summary>
public static class ModerationEmails
{
    /// <summary>What is quarantined is named exactly, so maintainers can tell a mistake from an attack on their account.</summary>
    public static EmailMessage Quarantined(string to, string username, string project, IReadOnlyList<string> versions, string reason, bool automatic, string contact) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph(versions.Count == 0
                ? $"{project} was quarantined: installers cannot see or download it, and nobody can upload to it or manage it until the review is over."
                : $"Releases of {project} were quarantined: installers cannot see or download them. The rest of the project is unchanged.")
            .Facts(("Project", project), ("Releases", versions.Count == 0 ? "all" : string.Join(", ", versions)), ("Reason", reason),
                ("Decided by", automatic ? "automatic quarantine (malware reports)" : "an index administrator"))
            .Paragraph($"If you did not publish what was reported, an attacker may hold one of your tokens: revoke your API tokens. To discuss the quarantine, contact {contact}.")
            .ToMessage(to, versions.Count == 0 ? $"{project} was quarantined" : $"Releases of {project} were quarantined", "quarantined");

    public static EmailMessage QuarantineLifted(string to, string username, string project, IReadOnlyList<string> versions) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph(versions.Count == 0
                ? $"The quarantine of {project} was lifted: it is served and can be managed again."
                : $"The quarantine of {project} {string.Join(", ", versions)} was lifted: those releases are served again.")
            .ToMessage(to, $"Quarantine of {project} lifted", "quarantine-lifted");

    /// <summary>
    /// To every collaborator of a project touched by a compromise response: which account was taken over, what was
    /// done to which releases, and that the account's tokens are gone, so each can check their own uploads too.
    /// </summary>
    public static EmailMessage CompromiseResponded(string to, string username, string project, string account, IReadOnlyList<string> versions,
        string done, string reason, string contact) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph($"The index administrators believe the account '{account}', a collaborator on {project}, was in someone else's hands. "
                + $"Every API token of that account was revoked and every session of it ended.")
            .Facts(("Project", project), ("Releases", versions.Count == 0 ? "none" : string.Join(", ", versions)), ("Action", versions.Count == 0 ? "none" : done),
                ("Reason", reason))
            .Paragraph($"Check the project's other recent releases and your own API tokens. To discuss what was done, contact {contact}.")
            .ToMessage(to, $"Security response on {project}: releases {done}", "compromise-response");

    /// <summary>To each reporter of a project when an administrator decides on the reports.</summary>
    public static EmailMessage Verdict(string to, string username, string project, string verdict) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph($"Thank you for your report about {project}. The index administrators reviewed it.")
            .Facts(("Project", project), ("Verdict", verdict))
            .ToMessage(to, $"Your report about {project}: {verdict}", "report-verdict");
}
