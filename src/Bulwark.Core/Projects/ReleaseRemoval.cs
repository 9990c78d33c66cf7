using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Storage;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;

namespace Bulwark.Core.Projects;

/// <summary>
/// Deletes a distribution file or a whole release. The filename stays in the filename registry forever,
/// so the same name can never serve different bytes later (pip caches and lock files trust names and
/// hashes). Rows go first, in one transaction with the journal entry and the audit event; the blobs are
/// deleted after the commit, so a failure leaves at worst an unreferenced blob, never a row without bytes.
/// </summary>
public sealed class ReleaseRemoval(BulwarkDbContext db, IBlobStore blobs, IndexWriter index, AuditLog audit)
{
    public const string ReservedNameNotice =
        "Deleted filenames stay reserved: a file with the same name can never be uploaded again, even with different contents.";

    public async Task<Outcome<string>> RemoveFileAsync(ProjectMembership by, string filename, Actor actor, CancellationToken ct = default)
    {
        if (!by.CanRemove) return Refusal.Forbidden("Only owners can delete files.");
        var project = by.Project;
        var file = await db.Files.Include(f => f.Release).FirstOrDefaultAsync(f => f.ProjectId == project.Id && f.Filename == filename, ct);
        if (file is null) return Refusal.NotFound($"{project.Name} has no file named '{filename}'.");

        await using var tx = await index.BeginAsync(ct);
        db.Files.Remove(file);
        project.TotalSize = Math.Max(0, project.TotalSize - file.Size);
        await index.AppendAsync(project, $"remove file {file.Filename}", file.Release.Version, file.Filename, actor.UserId, ct);
        audit.Record(AuditEventType.FileRemoved, actor, actor.UserId, project.Id,
            new FileAuditDetails(file.Filename, file.Release.Version, file.Sha256Digest));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        await DeleteBlobsAsync(blobs, [file]);
        return Outcome.Ok($"Deleted {file.Filename}. {ReservedNameNotice}");
    }

    public async Task<Outcome<string>> RemoveReleaseAsync(ProjectMembership by, string version, Actor actor, CancellationToken ct = default)
    {
        if (!by.CanRemove) return Refusal.Forbidden("Only owners can delete releases.");
        var project = by.Project;
        var canonical = Pep440Version.TryParse(version, out var parsed) ? parsed.CanonicalForm : version;
        var release = await db.Releases.Include(r => r.Files)
            .FirstOrDefaultAsync(r => r.ProjectId == project.Id && (r.CanonicalVersion == canonical || r.Version == version), ct);
        if (release is null) return Refusal.NotFound($"{project.Name} has no release {version}.");

        var files = release.Files.ToList();
        await using var tx = await index.BeginAsync(ct);
        project.TotalSize = Math.Max(0, project.TotalSize - files.Sum(f => f.Size));
        db.Files.RemoveRange(files);
        db.Releases.Remove(release);
        await index.AppendAsync(project, "remove release", release.Version, userId: actor.UserId, ct: ct);
        audit.Record(AuditEventType.ReleaseRemoved, actor, actor.UserId, project.Id,
            new ReleaseRemovedDetails(release.Version, files.Select(f => f.Filename).ToList()));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        await DeleteBlobsAsync(blobs, files);
        return Outcome.Ok($"Deleted release {release.Version} and its {files.Count} file{(files.Count == 1 ? "" : "s")}. {ReservedNameNotice}");
    }

    /// <summary>Deletes the bytes of files whose rows are already gone (after the commit), metadata files too.</summary>
    internal static async Task DeleteBlobsAsync(IBlobStore blobs, IEnumerable<ReleaseFile> files)
    {
        foreach (var file in files)
        {
            // After the commit the request's cancellation no longer applies: the rows are gone, so the bytes go too.
            await blobs.DeleteAsync(file.BlobPath, CancellationToken.None);
            if (file.MetadataSha256Digest is not null) await blobs.DeleteAsync(file.BlobPath + ".metadata", CancellationToken.None);
        }
    }
}
