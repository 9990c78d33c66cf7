using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

internal static class LinkRejection
{
    /// <summary>
    /// Audits a known link that could not be used (expired, used, superseded) on its owner's history: a
    /// reused reset link can mean the mailbox is read by someone else. Unknown links have no owner to
    /// tell and are not recorded.
    /// </summary>
    public static async Task<Outcome<string>> RecordAsync(BulwarkDbContext db, AuditLog audit, AccountTokenRedemption redemption, Actor actor, CancellationToken ct)
    {
        if (redemption.Token is { } t)
        {
            audit.Record(AuditEventType.AccountLinkRejected, actor with { UserId = null }, t.UserId,
                details: new LinkRejectedDetails(t.Purpose.ToString(), redemption.Result.ToString()));
            await db.SaveChangesAsync(ct);
        }
        return Refusal.LinkRejected(redemption.Message);
    }
}
