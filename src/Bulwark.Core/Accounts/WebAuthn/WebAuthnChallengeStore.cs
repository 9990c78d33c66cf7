using System.Security.Cryptography;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.WebAuthn;

public enum ChallengeState
{
    Valid = 1,
    /// <summary>Never issued, already used (successfully or not), or pruned after expiry.</summary>
    Unknown = 2,
    Expired = 3,
    /// <summary>Issued for another ceremony or another user.</summary>
    Mismatch = 4,
}

/// <summary>
/// Server-side challenges: random, single use, short-lived. The web layer keeps only the returned id in the
/// session; the challenge bytes never need to round-trip through the client's storage.
/// </summary>
public sealed class WebAuthnChallengeStore(BulwarkDbContext db, WebAuthnRelyingParty relyingParty, TimeProvider time)
{
    public async Task<WebAuthnChallenge> IssueAsync(WebAuthnCeremony ceremony, long? userId, UserVerificationPolicy userVerification, bool discoverable, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        // Opportunistic clean-up keeps the table at the size of the ceremonies in flight.
        await db.WebAuthnChallenges.Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(ct);
        var challenge = new WebAuthnChallenge
        {
            Id = Guid.NewGuid(),
            Ceremony = ceremony,
            UserId = userId,
            Challenge = RandomNumberGenerator.GetBytes(WebAuthnRelyingParty.ChallengeBytes),
            UserVerification = userVerification,
            Discoverable = discoverable,
            CreatedAt = now,
            ExpiresAt = now + relyingParty.Settings.ChallengeLifetime,
        };
        db.WebAuthnChallenges.Add(challenge);
        await db.SaveChangesAsync(ct);
        db.Entry(challenge).State = EntityState.Detached;
        return challenge;
    }

    /// <summary>
    /// Takes the challenge out of the store: whatever the outcome of the ceremony, it cannot be answered
    /// again. Of two concurrent requests with the same id only one gets <see cref="ChallengeState.Valid"/>:
    /// the delete decides, not the read.
    /// </summary>
    public async Task<(ChallengeState State, WebAuthnChallenge? Challenge)> ConsumeAsync(Guid id, WebAuthnCeremony ceremony, long? userId, CancellationToken ct = default)
    {
        var row = await db.WebAuthnChallenges.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (row is null) return (ChallengeState.Unknown, null);
        var deleted = await db.WebAuthnChallenges.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        if (deleted != 1) return (ChallengeState.Unknown, null);
        if (row.ExpiresAt <= time.GetUtcNow()) return (ChallengeState.Expired, null);
        if (row.Ceremony != ceremony || row.UserId != userId) return (ChallengeState.Mismatch, null);
        return (ChallengeState.Valid, row);
    }
}
