using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.RecoveryCodes;

public enum RecoveryCodeCheck
{
    Accepted = 1,
    Invalid = 2,
    /// <summary>The code was valid once and has been used.</summary>
    AlreadyUsed = 3,
    /// <summary>The account has no usable recovery codes left.</summary>
    NoCodes = 4,
}

public sealed record RecoveryCodeResult(RecoveryCodeCheck Check, string Message, int Remaining, bool OwnerNotified = false)
{
    public bool Succeeded => Check == RecoveryCodeCheck.Accepted;
}

/// <summary>Signs in with a recovery code instead of the second factor: each code works once.</summary>
public sealed class RecoveryCodeRedemption(BulwarkDbContext db, AuditLog audit, FactorNotifications notifications, TimeProvider time)
{
    public async Task<RecoveryCodeResult> RedeemAsync(User user, string code, Actor actor, CancellationToken ct = default)
    {
        var set = await db.RecoveryCodeSets.AsNoTracking().Include(s => s.Codes)
            .Where(s => s.UserId == user.Id && s.InvalidatedAt == null)
            .OrderByDescending(s => s.Id)
            .FirstOrDefaultAsync(ct);
        var all = set?.Codes.OrderBy(c => c.Id).ToList() ?? [];
        var remaining = all.Count(c => c.BurnedAt is null);
        if (remaining == 0)
        {
            return new(RecoveryCodeCheck.NoCodes, "Your account has no unused recovery codes.", 0);
        }
        if (!RecoveryCodeFormat.TryParse(code, out var parsed))
        {
            return await FailAsync(user, actor, "malformed", remaining, ct);
        }
        // Burned codes are searched too, so a reused code can be told apart from a wrong one.
        var index = RecoveryCodeFormat.Find(all, parsed);
        if (index < 0)
        {
            return await FailAsync(user, actor, null, remaining, ct);
        }
        var match = all[index];
        if (match.BurnedAt is not null)
        {
            await FailAsync(user, actor, "already-used", remaining, ct);
            return new(RecoveryCodeCheck.AlreadyUsed, "That recovery code has already been used. Each code works once.", remaining);
        }

        var now = time.GetUtcNow();
        // Burn with a conditional update: of two requests racing with the same code, exactly one wins.
        var burned = await db.RecoveryCodes
            .Where(c => c.Id == match.Id && c.BurnedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.BurnedAt, now), ct);
        if (burned != 1)
        {
            return new(RecoveryCodeCheck.AlreadyUsed, "That recovery code has already been used. Each code works once.", remaining - 1);
        }
        remaining--;
        audit.Record(AuditEventType.RecoveryCodeUsed, actor, user.Id, details: FactorAuditDetails.Of("recovery-code", remaining: remaining));
        await db.SaveChangesAsync(ct);
        var notified = await notifications.SendAsync(FactorNoticeKind.RecoveryCodeUsed, user, actor, remaining: remaining, ct: ct);
        var message = remaining switch
        {
            0 => "You used your last recovery code. Generate new ones now from your account settings.",
            1 => "You have 1 recovery code left.",
            _ => $"You have {remaining} recovery codes left.",
        };
        return new(RecoveryCodeCheck.Accepted, message, remaining, notified);
    }

    private async Task<RecoveryCodeResult> FailAsync(User user, Actor actor, string? reason, int remaining, CancellationToken ct)
    {
        audit.Record(AuditEventType.SecondFactorFailed, actor, user.Id, details: FactorAuditDetails.Of("recovery-code", reason: reason));
        await db.SaveChangesAsync(ct);
        return new(RecoveryCodeCheck.Invalid, "That recovery code is not valid.", remaining);
    }
}
