namespace Bulwark.Core.Email;

/// <summary>Messages about projects, sent to each maintainer (one message per recipient).</summary>
public static class ProjectEmails
{
    /// <summary>To every maintainer on every new release, so a release nobody expected is noticed at once.</summary>
    public static EmailMessage ReleasePublished(string to, string recipientUsername, string project, string version, string publishedBy, Uri projectLink, DateTimeOffset when) =>
        new EmailBody()
            .Paragraph($"Hello {recipientUsername},")
            .Paragraph($"A new release of {project} was published.")
            .Facts(("Project", project), ("Version", version), ("Published by", publishedBy), ("Time (UTC)", AccountEmails.Utc(when)))
            .Link(projectLink)
            .Paragraph("If nobody on your team published it, yank it and contact the index administrators.")
            .ToMessage(to, $"{project} {version} was published", "release-published");

    public static EmailMessage CollaboratorInvited(string to, string inviteeUsername, string project, string role, string invitedBy, Uri acceptLink) =>
        new EmailBody()
            .Paragraph($"Hello {inviteeUsername},")
            .Paragraph($"{invitedBy} invited you to join {project} as {role}. To accept or decline, open:")
            .Link(acceptLink)
            .Paragraph("If you do not know this project, ignore the invitation.")
            .ToMessage(to, $"Invitation to join {project}", "collaborator-invited");

    /// <summary>To the new collaborator and to every existing owner.</summary>
    public static EmailMessage CollaboratorAdded(string to, string recipientUsername, string project, string addedUsername, string role, string addedBy) =>
        new EmailBody()
            .Paragraph($"Hello {recipientUsername},")
            .Paragraph($"{addedUsername} is now {role} of {project}.")
            .Facts(("Project", project), ("Collaborator", addedUsername), ("Role", role), ("Added by", addedBy))
            .ToMessage(to, $"{addedUsername} was added to {project}", "collaborator-added");

    /// <summary>To the removed collaborator and to every remaining owner.</summary>
    public static EmailMessage CollaboratorRemoved(string to, string recipientUsername, string project, string removedUsername, string removedBy) =>
        new EmailBody()
            .Paragraph($"Hello {recipientUsername},")
            .Paragraph($"{removedUsername} was removed from {project}.")
            .Facts(("Project", project), ("Collaborator", removedUsername), ("Removed by", removedBy))
            .ToMessage(to, $"{removedUsername} was removed from {project}", "collaborator-removed");
}
