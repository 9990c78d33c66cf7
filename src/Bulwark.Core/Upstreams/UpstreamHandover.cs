using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// Called when a local project is created: if the name had been served from an upstream, the held upstream
/// page is dropped, the proxied files it listed are deleted from the blob store, and the audit log says that the
/// name is local from now on. The project's journal entry (written by the same transaction) moves the name's
/// generation, so no proxied page or file of it is served afterwards by any instance; the guard refuses the name
/// on every later request regardless.
/// </summary>
/// <remarks>
/// The files are removed rather than kept unserved: nothing can reach them any more (the guard refuses the name
/// for as long as it is local), and bytes nobody can serve only take space and make <c>fsck</c> guess. Should the
/// local project ever be removed and the name proxied again, the proxy fetches, verifies and scans them anew.
/// A blob a concurrent fetch stores after this runs is an orphan that <c>fsck --repair</c> removes.
/// </remarks>
public sealed class UpstreamHandover(BulwarkDbContext db, AuditLog audit, IBlobStore blobs, ILogger<UpstreamHandover> log)
{
    /// <summary>Call inside the transaction that creates the project.</summary>
    public async Task RecordAsync(string normalizedName, long projectId, Actor actor, CancellationToken ct)
    {
        var held = await db.UpstreamPages.FirstOrDefaultAsync(p => p.NormalizedName == normalizedName, ct);
        if (held is null) return;
        db.UpstreamPages.Remove(held);
        audit.Record(AuditEventType.UpstreamNameMadeLocal, actor, null, projectId, new UpstreamNameMadeLocalDetails(normalizedName, held.UpstreamUrl, held.CheckedAt));
        await db.SaveChangesAsync(ct);

        // Deleted before the transaction commits: should it roll back, the page row stays and the proxy fetches
        // the files again when asked (verified against the same sha256), so nothing is lost either way.
        var removed = 0;
        foreach (var (path, _) in UpstreamBlobs.Of(UpstreamListing.FromStoredJson(held.Listing)))
        {
            if (await blobs.DeleteAsync(path, ct)) removed++;
        }
        if (removed > 0) log.LogInformation("{Project} is local now; removed {Count} proxied file(s) of it from the store.", normalizedName, removed);
    }
}
