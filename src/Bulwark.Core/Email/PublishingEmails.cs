namespace Bulwark.Core.Email;

/// <summary>
/// Messages about trusted publishers and leaked tokens. A publisher that nobody on the team added is a way in for
/// whoever controls that CI workflow, so every change reaches every owner; a leaked token reaches whoever must
/// replace it, with the public URL where it was found.
/// </summary>
public static class PublishingEmails
{
    public static EmailMessage PublisherAdded(string to, string recipient, string project, string publisher, string addedBy, DateTimeOffset when, Uri page) =>
        new EmailBody()
            .Paragraph($"Hello {recipient},")
            .Paragraph($"A trusted publisher was added to {project}. CI runs that match it can now upload releases of {project} without any API token.")
            .Facts(("Project", project), ("Publisher", publisher), ("Added by", addedBy), ("Time (UTC)", AccountEmails.Utc(when)))
            .Paragraph("If nobody on your team added it, remove it at once and contact the index administrators:")
            .Link(page)
            .ToMessage(to, $"A trusted publisher was added to {project}", "publisher-added");

    public static EmailMessage PublisherRemoved(string to, string recipient, string project, string publisher, string removedBy, DateTimeOffset when, Uri page) =>
        new EmailBody()
            .Paragraph($"Hello {recipient},")
            .Paragraph($"A trusted publisher was removed from {project}. CI runs that match it can no longer upload to {project}.")
            .Facts(("Project", project), ("Publisher", publisher), ("Removed by", removedBy), ("Time (UTC)", AccountEmails.Utc(when)))
            .Link(page)
            .ToMessage(to, $"A trusted publisher was removed from {project}", "publisher-removed");

    /// <summary>To the owner of an API token that a secret scanner or an operator found in public; the token is already revoked.</summary>
    public static EmailMessage TokenLeaked(string to, string username, string tokenName, Guid tokenId, string publicUrl, string reporter, DateTimeOffset when, Uri tokensPage) =>
        new EmailBody()
            .Paragraph($"Hello {username},")
            .Paragraph($"Your API token \"{tokenName}\" was found in public and has been revoked. It can no longer upload anything.")
            .Facts(("Token", $"{tokenName} ({tokenId:N})"), ("Found at", publicUrl), ("Reported by", reporter), ("Revoked (UTC)", AccountEmails.Utc(when)))
            .Paragraph("Remove the token from where it was published (and from that place's history), check the releases of your projects for uploads you did not make, and create a new token where you need one. Better still, publish from CI with Trusted Publishing, which needs no long-lived token at all.")
            .Link(tokensPage)
            .ToMessage(to, "Your API token was found in public and revoked", "token-leaked");

    /// <summary>To the owners of a project whose Trusted Publishing token (valid for minutes) was found in public.</summary>
    public static EmailMessage MintedTokenLeaked(string to, string recipient, string project, string publisher, string publicUrl, string reporter, DateTimeOffset when, Uri page) =>
        new EmailBody()
            .Paragraph($"Hello {recipient},")
            .Paragraph($"A short-lived token minted for {project} by Trusted Publishing was found in public and has been revoked.")
            .Facts(("Project", project), ("Publisher", publisher), ("Found at", publicUrl), ("Reported by", reporter), ("Revoked (UTC)", AccountEmails.Utc(when)))
            .Paragraph("A CI job printed or stored the token. Check that workflow's logs and artifacts, and the project's recent releases:")
            .Link(page)
            .ToMessage(to, $"A publishing token of {project} was found in public and revoked", "minted-token-leaked");
}
