using System.Globalization;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Policies;

/// <summary>A maintainer to tell that a project became critical.</summary>
public sealed record NoticeRecipient(long UserId, string Username, string Email, ProjectRoleKind Role);

/// <summary>
/// What maintainers are told when a project becomes critical: that it happened, why, what they must do,
/// and by when. <see cref="Subject"/> and <see cref="Paragraphs"/> are plain text that a transport wraps
/// (the e-mail sender renders them as text and HTML).
/// </summary>
public sealed record CriticalProjectNotice(
    long ProjectId,
    string ProjectName,
    CriticalReason Reason,
    DateTimeOffset CriticalSince,
    DateTimeOffset EnforceAfter,
    IReadOnlyList<NoticeRecipient> Recipients)
{
    public bool EnforcedAtOnce => EnforceAfter <= CriticalSince;

    public string Subject => $"{ProjectName} is now a critical project";

    public IReadOnlyList<string> Paragraphs(NoticeRecipient recipient)
    {
        var why = Reason == CriticalReason.AlwaysCriticalList
            ? "The administrators of this index listed it as a critical project."
            : "It is among the most downloaded projects on this index, so a hijacked account on it would reach many users.";
        var when = EnforcedAtOnce
            ? "This applies from now on."
            : $"This applies from {Utc(EnforceAfter)}; until then nothing changes for you.";
        return
        [
            $"Hello {recipient.Username},",
            $"{ProjectName}, which you maintain, became a critical project on {Utc(CriticalSince)}. {why}",
            "Maintainers of critical projects must have two-factor authentication on their account to upload, to create API " +
            "tokens and to manage the project. Add a security key or passkey (preferred: it cannot be phished) or an " +
            "authenticator app in your account settings.",
            when + " If your account already has a second factor, you need to do nothing.",
            "A project stays critical once it is; the administrators can answer questions about it.",
        ];
    }

    public string TextBody(NoticeRecipient recipient) => string.Join("\n\n", Paragraphs(recipient)) + "\n";

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Tells a project's maintainers that it became critical (<see cref="EmailCriticalProjectNotifier"/> e-mails them).
/// </summary>
public interface ICriticalProjectNotifier
{
    /// <summary>Delivers (or queues) the notice to every recipient, or throws; the caller retries on the next run.</summary>
    Task NotifyAsync(CriticalProjectNotice notice, CancellationToken ct = default);
}
