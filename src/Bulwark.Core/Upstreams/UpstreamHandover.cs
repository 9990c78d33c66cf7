using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// Called when a local project is created: if the name had been served from an upstream, the held upstream
/// page is dropped and the audit log says that the name is local from now on. The project's journal entry
/// (written by the same transaction) moves the name's generation, so no proxied page or file of it is served
/// afterwards by any instance; the guard refuses the name on every later request regardless.
/// </summary>
public sealed class UpstreamHandover(BulwarkDbContext db, AuditLog audit)
{
    /// <summary>Call inside the transaction that creates the project.</summary>
    public async Task RecordAsync(string normalizedName, long projectId, Actor actor, CancellationToken ct)
    {
        var held = await db.UpstreamPages.FirstOrDefaultAsync(p => p.NormalizedName == normalizedName, ct);
        if (held is null) return;
        db.UpstreamPages.Remove(held);
        audit.Record(AuditEventType.UpstreamNameMadeLocal, actor, null, projectId, new UpstreamNameMadeLocalDetails(normalizedName, held.UpstreamUrl, held.CheckedAt));
        await db.SaveChangesAsync(ct);
    }
}
