using System.Globalization;
using System.Security.Cryptography;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.Totp;

public sealed record TotpVerificationResult(TotpCheck Check, string Message, bool NotEnrolled = false, bool OwnerNotified = false)
{
    public bool Succeeded => Check == TotpCheck.Accepted;
}

/// <summary>
/// Checks a TOTP code at sign-in or step-up. Accepts the current step ±1; reports a match up to ±10 steps
/// away as out of sync; never accepts a time step twice. Throttling of attempts is the caller's job.
/// </summary>
public sealed class TotpVerification(BulwarkDbContext db, TotpSecrets secrets, AuditLog audit, FactorNotifications notifications, TimeProvider time)
{
    public const string OutOfSyncMessage =
        "That code is not valid now, but it would be a few minutes from now or ago: the clock of the device running your authenticator app seems to be off. Set its time automatically, then enter a new code.";
    public const string InvalidMessage = "That code is not valid. Enter the code your authenticator app shows now.";
    public const string ReplayedMessage = "That code has already been used. Wait for your authenticator app to show a new code.";

    public async Task<TotpVerificationResult> VerifyAsync(User user, string code, FactorPurpose purpose, Actor actor, CancellationToken ct = default)
    {
        var credential = await db.TotpCredentials.AsNoTracking()
            .FirstOrDefaultAsync(t => t.UserId == user.Id && t.ConfirmedAt != null, ct);
        if (credential is null)
        {
            return new(TotpCheck.Invalid, "Your account has no authenticator app.", NotEnrolled: true);
        }
        var now = time.GetUtcNow();
        if (!TotpCodes.TryNormalize(code, out var normalized))
        {
            return await FailAsync(user, credential, purpose, actor, "malformed", ct);
        }

        var secret = secrets.Unprotect(credential);
        TotpMatch match;
        try
        {
            match = TotpCodes.Match(secret, normalized, now, credential.LastAcceptedStep);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        switch (match.Check)
        {
            case TotpCheck.Accepted:
                // Compare-and-set on the stored step: of two requests racing with the same code (a phishing
                // proxy and the victim, say), exactly one moves the step forward; the other is a replay.
                var step = match.Step!.Value;
                var updated = await db.TotpCredentials
                    .Where(t => t.Id == credential.Id && (t.LastAcceptedStep == null || t.LastAcceptedStep < step))
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastAcceptedStep, step).SetProperty(t => t.LastUsedAt, now), ct);
                if (updated == 1)
                {
                    return new(TotpCheck.Accepted, "");
                }
                return await ReplayedAsync(user, credential, actor, ct);
            case TotpCheck.Replayed:
                return await ReplayedAsync(user, credential, actor, ct);
            case TotpCheck.OutOfSync:
                audit.Record(AuditEventType.TotpOutOfSync, actor, user.Id, details: Details(credential, purpose == FactorPurpose.StepUp ? "step-up" : null));
                await db.SaveChangesAsync(ct);
                return new(TotpCheck.OutOfSync, OutOfSyncMessage);
            default:
                return await FailAsync(user, credential, purpose, actor, null, ct);
        }
    }

    private async Task<TotpVerificationResult> ReplayedAsync(User user, TotpCredential credential, Actor actor, CancellationToken ct)
    {
        // A replayed code means someone other than the app's owner may have it (a relaying proxy, a shoulder
        // surfer). The password was right too, so the owner must hear about it.
        audit.Record(AuditEventType.TotpReplayed, actor, user.Id, details: Details(credential, null));
        await db.SaveChangesAsync(ct);
        var notified = await notifications.SendAsync(FactorNoticeKind.TotpReplayed, user, actor, SecondFactorMethod.Totp, ct: ct);
        return new(TotpCheck.Replayed, ReplayedMessage, OwnerNotified: notified);
    }

    private async Task<TotpVerificationResult> FailAsync(User user, TotpCredential credential, FactorPurpose purpose, Actor actor, string? reason, CancellationToken ct)
    {
        var type = purpose == FactorPurpose.StepUp ? AuditEventType.StepUpFailed : AuditEventType.SecondFactorFailed;
        audit.Record(type, actor, user.Id, details: Details(credential, reason));
        await db.SaveChangesAsync(ct);
        return new(TotpCheck.Invalid, InvalidMessage);
    }

    private static FactorAuditDetails Details(TotpCredential credential, string? reason) =>
        FactorAuditDetails.Of(SecondFactorMethod.Totp, credential.Id.ToString(CultureInfo.InvariantCulture), reason: reason);
}
