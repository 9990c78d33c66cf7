using System.Data.Common;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Packaging.Metadata;
using Bulwark.Core.Projects;
using Bulwark.Core.Readmes;
using Bulwark.Core.Storage;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;

namespace Bulwark.Core.Uploads;

/// <summary>
/// Makes an accepted upload durable: blob first (flushed, renamed into place), then one database
/// transaction with the project, release, file, filename registration, journal entry and audit events.
/// If the transaction fails, blobs this upload created are deleted again, so nothing is half-written; a
/// <see cref="PendingBlobs"/> record covers the case where this process cannot do that itself.
/// </summary>
public sealed class UploadCommitter(BulwarkDbContext db, IBlobStore blobs, IndexWriter index, AuditLog audit, TimeProvider time, ReleaseDescriptions descriptions, ReleaseNotifier? releases = null,
    Upstreams.UpstreamHandover? upstreams = null, Moderation.Typosquats.TyposquatHold? holds = null,
    Moderation.Scanning.UploadScanning? scanning = null)
{
    /// <summary>How often the rows are written when concurrent uploads keep winning races (each retry follows a new winner).</summary>
    private const int MaxRowAttempts = 3;

    public async Task<Outcome<UploadSuccess>> CommitAsync(UploadPlan plan, ReceivedFile file, InspectedDistribution inspected, CancellationToken ct)
    {
        // Rendered here, once, before the transaction: a description over the budget is stored as text, so no
        // page view ever renders Markdown (see ReleaseDescriptions).
        var readme = await descriptions.RenderForNewReleaseAsync(plan.ProjectId, plan.Version.CanonicalForm, inspected.Metadata.Description, inspected.Metadata.DescriptionContentType, ct);
        var blobPath = file.Digests.BlobPath(plan.Filename);
        var created = new List<string>();
        var pending = PendingBlobs.Record(blobs.TempDirectory, [blobPath, blobPath + ".metadata"]);
        try
        {
            var put = await blobs.PutFileAsync(blobPath, file.TempPath, ct);
            if (put == BlobPutResult.Conflict)
            {
                // Impossible unless two different files share a BLAKE2b-256 digest; refuse rather than overwrite.
                return UploadRefusals.FileExists(plan.Filename, file.Digests.Blake2b256);
            }
            if (put == BlobPutResult.Created) created.Add(blobPath);

            FileDigests? metadataDigests = null;
            if (inspected.MetadataBytes is { } metadataBytes)
            {
                metadataDigests = FileDigests.Compute(metadataBytes);
                if (await blobs.PutBytesAsync(blobPath + ".metadata", metadataBytes, ct) == BlobPutResult.Created) created.Add(blobPath + ".metadata");
            }

            (long ProjectId, string Version)? newRelease;
            // The project this upload writes into: the plan's, or, after losing the race to create it, the winner's.
            var projectId = plan.ProjectId;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    newRelease = await WriteRowsAsync(plan, projectId, file, inspected, readme, blobPath, metadataDigests, ct);
                    break;
                }
                catch (DbUpdateException)
                {
                    // A concurrent upload won a race. The same file: answered as if this one had come second. The same
                    // new project or new release (parallel CI jobs uploading wheels of one version): the winner's rows
                    // are used and this file is added to them. Anything else is not a race and is rethrown.
                    if (await IsDuplicateAsync(plan, file, ct) is { } duplicate) return duplicate;
                    if (attempt >= MaxRowAttempts || await RaceWinnerAsync(plan, projectId, ct) is not { } winner) throw;
                    if (!winner.TryGetValue(out var winnerProjectId, out var lost)) return lost;
                    projectId = winnerProjectId;
                    readme = null; // the release is the winner's now, with its description
                }
            }
            created.Clear();
            if (File.Exists(file.TempPath) && !await blobs.ExistsAsync(blobPath, CancellationToken.None))
            {
                // The blob we found (AlreadyExists) was an orphan that a failed concurrent upload removed meanwhile,
                // or, on an object store that cannot refuse to overwrite, a concurrent twin's failure removed the
                // object we had written. Our temp file is still here (a local store consumes it only on Created,
                // and then the blob was ours alone), so put it back.
                await blobs.PutFileAsync(blobPath, file.TempPath, CancellationToken.None);
            }
            if (newRelease is { } r && releases is not null)
            {
                await releases.NotifyMaintainersAsync(r.ProjectId, r.Version, plan.Identity.User.Username, CancellationToken.None);
            }
            return inspected.Scan?.Verdict == Moderation.Scanning.ScanVerdict.Malicious ? UploadSuccess.Held : UploadSuccess.Stored;
        }
        finally
        {
            // With the rows committed or the blobs gone, the record has nothing left to explain. When the
            // clean-up itself failed it stays, and the start-up sweep finishes the job.
            if (await RemoveUnreferencedAsync(created, blobPath)) File.Delete(pending);
        }
    }

    /// <summary>
    /// Deletes blobs this upload created unless a committed row (a concurrent twin) now uses them. False when
    /// that cannot be decided (the database is unreachable): the blobs are then kept rather than risk deleting
    /// one a committed row uses.
    /// </summary>
    private async Task<bool> RemoveUnreferencedAsync(List<string> created, string blobPath)
    {
        if (created.Count == 0) return true;
        try
        {
            db.ChangeTracker.Clear();
            if (await db.Files.AsNoTracking().AnyAsync(f => f.BlobPath == blobPath, CancellationToken.None)) return true;
            foreach (var path in created) await blobs.DeleteAsync(path, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
        {
            // Thrown from a finally block this would hide the upload's own failure; the record handles it.
            return false;
        }
    }

    /// <returns>The project and version when this upload created the release (the maintainers are then told).</returns>
    private async Task<(long ProjectId, string Version)?> WriteRowsAsync(UploadPlan plan, long? projectId, ReceivedFile file, InspectedDistribution inspected, RenderedDescription? readme, string blobPath, FileDigests? metadataDigests, CancellationToken ct)
    {
        var metadata = inspected.Metadata;
        var who = plan.Identity;
        var actor = who.Actor with { UserId = who.User.Id, TokenId = who.Token.Id };
        var now = time.GetUtcNow();
        await using var tx = await index.BeginAsync(ct);

        var project = projectId is { } id ? await db.Projects.FirstAsync(p => p.Id == id, ct) : null;
        if (project is null)
        {
            project = new Project
            {
                Name = plan.Name,
                NormalizedName = plan.NormalizedName,
                UltranormalizedName = ProjectName.Ultranormalize(plan.Name),
                CreatedAt = now,
            };
            db.Projects.Add(project);
            await db.SaveChangesAsync(ct);
            db.ProjectRoles.Add(new ProjectRole { ProjectId = project.Id, UserId = who.User.Id, Role = ProjectRoleKind.Owner, CreatedAt = now });
            await index.AppendAsync(project, "create", userId: who.User.Id, ct: ct);
            audit.Record(AuditEventType.ProjectCreated, actor, who.User.Id, project.Id, new ProjectCreatedDetails(project.Name));
            audit.Record(AuditEventType.RoleAdded, actor, who.User.Id, project.Id, new RoleAuditDetails(who.User.Username, "Owner"));
            // A name that was being proxied becomes local with this upload, and the audit log says so.
            if (upstreams is not null) await upstreams.RecordAsync(project.NormalizedName, project.Id, actor, ct);
            // A name the typosquat check holds is created quarantined with a report; the file below is stored but
            // not installable until an administrator lifts the quarantine.
            if (holds is not null) await holds.ApplyAsync(project, ct);
        }

        var canonical = plan.Version.CanonicalForm;
        var release = await db.Releases.FirstOrDefaultAsync(r => r.ProjectId == project.Id && r.CanonicalVersion == canonical, ct);
        var isNewRelease = release is null;
        if (release is null)
        {
            release = NewRelease(project, plan, metadata, now);
            db.Releases.Add(release);
            if (readme is not null)
            {
                readme.Release = release;
                db.RenderedDescriptions.Add(readme);
            }
            await index.AppendAsync(project, "new release", release.Version, userId: who.User.Id, ct: ct);
            audit.Record(AuditEventType.ReleaseCreated, actor, who.User.Id, project.Id, new ReleaseAuditDetails(release.Version));
        }

        db.Files.Add(new ReleaseFile
        {
            Release = release,
            ProjectId = project.Id,
            Filename = plan.Filename,
            PackageType = plan.PackageType,
            PythonVersion = plan.Fields["pyversion"] ?? "source",
            RequiresPython = metadata.RequiresPython,
            Size = file.Size,
            Md5Digest = file.Digests.Md5,
            Sha256Digest = file.Digests.Sha256,
            Blake2b256Digest = file.Digests.Blake2b256,
            BlobPath = blobPath,
            MetadataSha256Digest = metadataDigests?.Sha256,
            MetadataBlake2b256Digest = metadataDigests?.Blake2b256,
            UploadedAt = now,
            UploaderId = who.User.Id,
            UploadedWithTokenId = who.Token.Id,
        });
        db.FilenameRegistrations.Add(new FilenameRegistration { Filename = plan.Filename, RegisteredAt = now });
        project.TotalSize += file.Size;
        await index.AppendAsync(project, $"add {(plan.PackageType == PackageType.Sdist ? "source" : plan.Fields["pyversion"])} file {plan.Filename}", release.Version, plan.Filename, who.User.Id, ct);
        audit.Record(AuditEventType.FileAdded, actor, who.User.Id, project.Id,
            new FileAuditDetails(plan.Filename, release.Version, file.Digests.Sha256));
        // In the same transaction as the file: a malicious file's release is quarantined before anyone can see it.
        if (scanning is not null && inspected.Scan is { } scan) await scanning.RecordAsync(project, release, plan.Filename, scan, ct);
        who.Token.LastUsedAt = now;
        db.Attach(who.Token);
        db.Entry(who.Token).Property(t => t.LastUsedAt).IsModified = true;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return isNewRelease ? (project.Id, release.Version) : null;
    }

    private static Release NewRelease(Project project, UploadPlan plan, CoreMetadata m, DateTimeOffset now) => new()
    {
        Project = project,
        Version = plan.Fields["version"]!,
        CanonicalVersion = plan.Version.CanonicalForm,
        IsPrerelease = plan.Version.IsPrerelease,
        CreatedAt = now,
        MetadataVersion = m.MetadataVersion,
        Summary = m.Summary,
        Description = m.Description,
        DescriptionContentType = m.DescriptionContentType,
        Keywords = m.Keywords,
        HomePage = m.HomePage,
        DownloadUrl = m.DownloadUrl,
        Author = m.Author,
        AuthorEmail = m.AuthorEmail,
        Maintainer = m.Maintainer,
        MaintainerEmail = m.MaintainerEmail,
        License = m.License,
        LicenseExpression = m.LicenseExpression,
        RequiresPython = m.RequiresPython,
        Platform = m.Platforms.Count > 0 ? string.Join(", ", m.Platforms) : null,
        Classifiers = [.. m.Classifiers],
        RequiresDist = [.. m.RequiresDist],
        ProvidesExtra = [.. m.ProvidesExtra],
        ProjectUrls = [.. m.ProjectUrls],
        RequiresExternal = [.. m.RequiresExternal],
        Dynamic = [.. m.Dynamic],
        UploaderId = plan.Identity.User.Id,
    };

    /// <returns>The answer for the upload that came second, or null when the failure was not such a race.</returns>
    private async Task<Outcome<UploadSuccess>?> IsDuplicateAsync(UploadPlan plan, ReceivedFile file, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var existing = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Filename == plan.Filename || f.Blake2b256Digest == file.Digests.Blake2b256, ct);
        if (existing is not null)
        {
            return existing.Filename == plan.Filename && existing.Sha256Digest == file.Digests.Sha256
                ? UploadSuccess.AlreadyStored
                : UploadRefusals.FileExists(existing.Filename, existing.Blake2b256Digest);
        }
        return null;
    }

    /// <summary>
    /// After a failed write that was not a duplicate file: the project to retry in when a concurrent upload created
    /// this upload's new project or new release first; a refusal when the new project went to another account;
    /// null when the failure was not such a race.
    /// </summary>
    private async Task<Outcome<long>?> RaceWinnerAsync(UploadPlan plan, long? projectId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        if (projectId is { } id)
        {
            var canonical = plan.Version.CanonicalForm;
            return await db.Releases.AsNoTracking().AnyAsync(r => r.ProjectId == id && r.CanonicalVersion == canonical, ct) ? id : null;
        }
        var created = await db.Projects.AsNoTracking().Where(p => p.NormalizedName == plan.NormalizedName).Select(p => (long?)p.Id).FirstOrDefaultAsync(ct);
        if (created is not { } winner) return null;
        // Only an account the winner made a member (the same uploader, from parallel jobs) may add to the project;
        // for anyone else the name went to another account at the same moment, and this upload must not land in it.
        var member = await db.ProjectRoles.AsNoTracking().AnyAsync(r => r.ProjectId == winner && r.UserId == plan.Identity.User.Id, ct);
        return member ? winner : Refusal.Conflict($"The project '{plan.Name}' was created by another upload at the same moment. Retry the upload.");
    }
}
