using System.Security.Cryptography;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.RecoveryCodes;

/// <summary>The codes of a new set, formatted for display. They exist in clear only in this object: show them once.</summary>
public sealed record GeneratedRecoveryCodes(long SetId, IReadOnlyList<string> Codes, bool OwnerNotified);

public enum RecoveryCodeConfirmation
{
    Confirmed = 1,
    AlreadyConfirmed = 2,
    /// <summary>The code is not one of the current set (or is malformed).</summary>
    WrongCode = 3,
    NoCodes = 4,
}

/// <summary>
/// Creates recovery codes and records that the user saved them. A new set invalidates every earlier one.
/// The web layer generates a set when the first factor is added and on request (after a step-up).
/// </summary>
public sealed class RecoveryCodeGeneration(BulwarkDbContext db, AuditLog audit, FactorNotifications notifications, TimeProvider time)
{
    public async Task<GeneratedRecoveryCodes> GenerateAsync(User user, Actor actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var codes = RecoveryCodeFormat.Generate();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Invalidate in the same transaction that adds the new set, so there is never a moment with two
        // usable sets, nor one with none if the insert fails.
        await db.RecoveryCodeSets
            .Where(s => s.UserId == user.Id && s.InvalidatedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.InvalidatedAt, now), ct);
        var set = new RecoveryCodeSet { UserId = user.Id, CreatedAt = now };
        foreach (var code in codes)
        {
            var salt = RandomNumberGenerator.GetBytes(RecoveryCodeFormat.SaltBytes);
            set.Codes.Add(new RecoveryCode { Salt = salt, Hash = RecoveryCodeFormat.Hash(salt, code) });
        }
        db.RecoveryCodeSets.Add(set);
        audit.Record(AuditEventType.RecoveryCodesGenerated, actor, user.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        var display = codes.Select(c => RecoveryCodeFormat.Display(c)).ToList();
        foreach (var c in codes) CryptographicOperations.ZeroMemory(c);
        var notified = await notifications.SendAsync(FactorNoticeKind.RecoveryCodesGenerated, user, actor, ct: ct);
        return new GeneratedRecoveryCodes(set.Id, display, notified);
    }

    /// <summary>
    /// The user typed one of the new codes back. The code is not burned: it proves the list was saved, in a
    /// session that is already authenticated, and burning it would only leave the user with seven.
    /// </summary>
    public async Task<RecoveryCodeConfirmation> ConfirmSavedAsync(User user, string code, Actor actor, CancellationToken ct = default)
    {
        var set = await db.RecoveryCodeSets.Include(s => s.Codes)
            .Where(s => s.UserId == user.Id && s.InvalidatedAt == null)
            .OrderByDescending(s => s.Id)
            .FirstOrDefaultAsync(ct);
        if (set is null) return RecoveryCodeConfirmation.NoCodes;
        if (set.ConfirmedAt is not null) return RecoveryCodeConfirmation.AlreadyConfirmed;
        if (!RecoveryCodeFormat.TryParse(code, out var parsed)) return RecoveryCodeConfirmation.WrongCode;
        var unused = set.Codes.Where(c => c.BurnedAt is null).OrderBy(c => c.Id).ToList();
        if (RecoveryCodeFormat.Find(unused, parsed) < 0) return RecoveryCodeConfirmation.WrongCode;
        set.ConfirmedAt = time.GetUtcNow();
        audit.Record(AuditEventType.RecoveryCodesConfirmed, actor, user.Id);
        await db.SaveChangesAsync(ct);
        return RecoveryCodeConfirmation.Confirmed;
    }
}
