using Bulwark.Core.Accounts;
using Bulwark.Core.Email;

namespace Bulwark.Core.Policies;

/// <summary>
/// E-mails each maintainer of a project that became critical: what happened, what they must do (add a
/// second factor, a security key or passkey preferably) and from when it is enforced, with links to the
/// account security page and the project.
/// </summary>
public sealed class EmailCriticalProjectNotifier(IEmailSender mail, AccountLinks links) : ICriticalProjectNotifier
{
    public async Task NotifyAsync(CriticalProjectNotice notice, CancellationToken ct = default)
    {
        foreach (var recipient in notice.Recipients)
        {
            await mail.SendAsync(Message(notice, recipient, links), ct);
        }
    }

    public static EmailMessage Message(CriticalProjectNotice notice, NoticeRecipient recipient, AccountLinks links)
    {
        var body = new EmailBody();
        foreach (var paragraph in notice.Paragraphs(recipient)) body.Paragraph(paragraph);
        body.Facts(
            ("Project", notice.ProjectName),
            ("Critical since", TwoFactorMandate.Utc(notice.CriticalSince)),
            ("Enforced from", notice.EnforcedAtOnce ? "now" : TwoFactorMandate.Utc(notice.EnforceAfter)),
            ("Your role", recipient.Role.ToString()));
        body.Paragraph("Add a second factor here:");
        body.Link(new Uri(links.SignIn(), TwoFactorMandate.AccountSecurityPath));
        body.Paragraph("The project:");
        body.Link(links.Project(Packaging.ProjectName.Normalize(notice.ProjectName)));
        return body.ToMessage(recipient.Email, notice.Subject, "project-critical");
    }
}
