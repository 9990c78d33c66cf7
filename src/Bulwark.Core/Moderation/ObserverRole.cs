using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Moderation;

/// <summary>
/// Grants and takes away the observer role: a trusted reporter whose API tokens may file observations and whose
/// malware reports count towards automatic quarantine. An operator's decision, made on the command line.
/// </summary>
public sealed class ObserverRole(BulwarkDbContext db, AuditLog audit)
{
    /// <summary>The account, and whether anything changed.</summary>
    public async Task<Outcome<bool>> SetAsync(string username, bool observer, Actor actor, CancellationToken ct = default)
    {
        var normalized = username.Trim().ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct);
        if (user is null) return Refusal.NotFound($"There is no account named '{username}'.");
        if (user.IsObserver == observer) return false;
        user.IsObserver = observer;
        audit.Record(AuditEventType.ObserverRoleChanged, actor, user.Id, null, new ObserverRoleDetails(user.Username, observer));
        await db.SaveChangesAsync(ct);
        return true;
    }
}

/// <summary>Audit details of an observer role change.</summary>
public sealed record ObserverRoleDetails(string User, bool Observer) : IAuditDetails;
