using Bulwark.Core.Audit;
using Microsoft.Extensions.Logging;

namespace Bulwark.Core.Accounts.TwoFactor;

/// <summary>The second-factor methods an account can have.</summary>
public enum SecondFactorMethod
{
    Totp = 1,
    SecurityKey = 2,
    /// <summary>A discoverable WebAuthn credential with user verification; signs in without a password.</summary>
    Passkey = 3,
}

/// <summary>Why a factor is being checked; decides which audit event a failure records.</summary>
public enum FactorPurpose
{
    SignIn = 1,
    /// <summary>Fresh authentication ("sudo") before a sensitive action.</summary>
    StepUp = 2,
}

/// <summary>Events the account owner must hear about by e-mail.</summary>
public enum FactorNoticeKind
{
    FactorAdded = 1,
    FactorRemoved = 2,
    TotpReplayed = 3,
    RecoveryCodesGenerated = 4,
    RecoveryCodeUsed = 5,
    PossibleClonedKey = 6,
    /// <summary>A fresh authentication before a sensitive action failed.</summary>
    StepUpFailed = 7,
}

/// <summary>What happened, to whom, when and from where. Carries no secret.</summary>
public sealed record FactorNotice(
    FactorNoticeKind Kind,
    User User,
    DateTimeOffset OccurredAt,
    string? IpAddress,
    string? UserAgent,
    SecondFactorMethod? Method = null,
    string? CredentialName = null,
    int? RecoveryCodesRemaining = null);

/// <summary>
/// Tells the account owner about a change to, or a warning sign on, their second factors. The host wires
/// this to e-mail; implementations should queue rather than block.
/// </summary>
public interface IFactorNotifier
{
    Task NotifyAsync(FactorNotice notice, CancellationToken ct = default);
}

/// <summary>Until an e-mail sender is wired in, notices are at least logged.</summary>
public sealed class LoggingFactorNotifier(ILogger<LoggingFactorNotifier> logger) : IFactorNotifier
{
    public Task NotifyAsync(FactorNotice notice, CancellationToken ct = default)
    {
        logger.LogWarning("Second-factor notice {Kind} for user {UserId} ({Method}, {Credential}) at {Time:u} from {Ip}",
            notice.Kind, notice.User.Id, notice.Method, notice.CredentialName, notice.OccurredAt, notice.IpAddress);
        return Task.CompletedTask;
    }
}

/// <summary>Sends notices after the change they describe has been committed.</summary>
public sealed class FactorNotifications(IFactorNotifier notifier, TimeProvider time, ILogger<FactorNotifications> logger)
{
    /// <summary>Returns whether the notifier accepted the notice. A failure is logged, never thrown: the
    /// security change it reports is already committed and must not look failed to the user.</summary>
    public async Task<bool> SendAsync(FactorNoticeKind kind, User user, Actor actor, SecondFactorMethod? method = null,
        string? credentialName = null, int? remaining = null, CancellationToken ct = default)
    {
        var notice = new FactorNotice(kind, user, time.GetUtcNow(), actor.IpAddress, actor.UserAgent, method, credentialName, remaining);
        try
        {
            await notifier.NotifyAsync(notice, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not notify user {UserId} of {Kind}", user.Id, kind);
            return false;
        }
    }
}
