using Microsoft.Extensions.Logging;

namespace Bulwark.Core.Policies;

/// <summary>Writes each notice to the log, one entry per recipient, with the text an e-mail would carry.</summary>
public sealed class LoggingCriticalProjectNotifier(ILogger<LoggingCriticalProjectNotifier> logger) : ICriticalProjectNotifier
{
    public Task NotifyAsync(CriticalProjectNotice notice, CancellationToken ct = default)
    {
        if (notice.Recipients.Count == 0)
        {
            logger.LogWarning("{Project} became critical but has no maintainers to notify.", notice.ProjectName);
        }
        foreach (var recipient in notice.Recipients)
        {
            logger.LogInformation("Critical-project notice to {Username} <{Email}>: {Subject}\n{Body}",
                recipient.Username, recipient.Email, notice.Subject, notice.TextBody(recipient));
        }
        return Task.CompletedTask;
    }
}
