using System.Security.Cryptography;
using System.Text;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Uploads;

/// <summary>
/// The legacy upload API's checks and commit, in Warehouse's order except that authorisation comes before any
/// parsing of metadata (see docs/uploads.md). Phase one (<see cref="PrepareAsync"/>)
/// runs before the file's bytes are read, so a refused upload costs no bandwidth or disk; phase two
/// (<see cref="CompleteAsync"/>) works on the streamed, hashed temp file and either commits everything or
/// leaves nothing behind.
/// </summary>
public sealed class UploadService(
    BulwarkDbContext db,
    ProjectNamePolicy names,
    UploadCommitter committer,
    DistributionChecks distributions,
    MandateEnforcement mandates,
    TrustedPublishing.PublisherGrants publishers,
    Microsoft.Extensions.Options.IOptions<Moderation.ModerationOptions> moderation,
    Moderation.Scanning.UploadScanning? scanning = null)
{
    public async Task<Outcome<UploadPlan>> PrepareAsync(
        UploadIdentity who, UploadFields fields, string? filename, string? contentType, UploadLimits limits, CancellationToken ct)
    {
        // Warehouse's steps 0-2: bounded checks of short fields (the name is at most 200 characters, the
        // version 100), needed to know which project the upload is for.
        if (FormChecks.Check(fields) is { } formFailure) return formFailure;

        var name = fields["name"]!;
        var normalized = ProjectName.Normalize(name);
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);

        // Authorisation (Warehouse's steps 6 and 7) comes before the metadata (step 3) and the new-project
        // checks (step 5), unlike in Warehouse: everything after this point parses text of the uploader's
        // choosing, and only someone allowed to upload to this project may make the index do that work.
        // Publisher accounts have no password (IsAutomation), so only those need the lookup.
        var publisher = who.User.IsAutomation ? await publishers.ForAccountAsync(who.User.Id, ct) : null;
        if (Permissions.Check(who, project, name, await RoleOfAsync(who, project, ct), publisher) is { } denied) return denied;
        // After authorisation, so only the project's own uploaders learn its moderation status from the refusal.
        if (project is not null && StatusRefusal(project) is { } closed) return closed;
        // A publisher's account has no mailbox; the owners who trusted the publisher verified theirs.
        if (!who.User.EmailVerified && publisher is null)
        {
            return Refusal.Invalid(
                $"User '{who.User.Username}' has no verified email addresses; verify your e-mail address in your account settings before uploading.");
        }
        // Warehouse's step 7, second half: the two-factor mandates, checked on every upload (not only when the
        // token was made), because a project can become critical or phishing-resistant only after its tokens exist.
        var mandate = await mandates.CheckUploadAsync(who.User, who.Token, project, ct);
        if (!mandate.Allowed)
        {
            await mandates.RecordRefusalAsync(mandate, MandateAction.Upload, who.User, who.Actor with { UserId = who.User.Id, TokenId = who.Token.Id }, project, ct);
            return Refusal.Forbidden(mandate.Message!);
        }

        if (distributions.CheckFormMetadata(fields) is { } metadataFailure) return metadataFailure;
        if (filename is null) return NoFile;
        if (project is null && await names.CheckNewNameAsync(name, ct) is { } nameFailure) return nameFailure;

        var packageType = fields["filetype"] == "sdist" ? PackageType.Sdist : PackageType.BdistWheel;
        var version = ParseVersion(fields["version"]!);
        if (project is not null && await IsQuarantinedReleaseAsync(project.Id, version.CanonicalForm, ct))
        {
            // A quarantined release gets no new files: they would be hidden too, and could be part of the attack.
            return Refusal.Forbidden(
                $"Release {project.Name} {version} is quarantined while the index administrators review a report of malware; uploads to it are refused. Contact {moderation.Value.ContactText}.");
        }
        if (distributions.CheckFilename(filename, packageType, project?.Name ?? name, version) is { } filenameFailure) return filenameFailure;
        // A part without Content-Type is text/plain by RFC 7578 (flit sends none), which is fine; an image
        // type is the one thing Warehouse refuses here, a sign of a mislabelled or hostile upload.
        if (contentType is not null && contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            return Refusal.Invalid("Invalid distribution file.", "content");
        }

        var projectRemaining = limits.MaxProjectSize - (project?.TotalSize ?? 0);
        return new UploadPlan
        {
            Identity = who,
            Fields = fields,
            Name = project?.Name ?? name,
            NormalizedName = normalized,
            Version = version,
            PackageType = packageType,
            Filename = filename,
            ProjectId = project?.Id,
            MaxBytes = Math.Min(limits.MaxFileSize, Math.Max(0, projectRemaining)),
            ProjectLimitIsTighter = projectRemaining < limits.MaxFileSize,
            Warnings = mandate.Warnings,
        };
    }

    /// <summary>The message for a file over <see cref="UploadPlan.MaxBytes"/> (Warehouse's wording).</summary>
    public static Refusal TooLarge(UploadPlan plan, UploadLimits limits) => Refusal.Invalid(plan.ProjectLimitIsTighter
        ? $"Project size too large. Limit for project '{plan.Name}' total size is {limits.MaxProjectSize / (1024 * 1024 * 1024.0):0.##} GB."
        : $"File too large. Limit for project '{plan.Name}' is {limits.MaxFileSize / (1024 * 1024)} MB.");

    /// <summary>Warehouse's answer to a form that carries no file part.</summary>
    public static Refusal NoFile { get; } = Refusal.Invalid("Upload payload does not have a file.", "content");

    public async Task<Outcome<UploadSuccess>> CompleteAsync(UploadPlan plan, ReceivedFile file, CancellationToken ct)
    {
        if (!DigestsMatch(plan.Fields, file.Digests))
        {
            return Refusal.Invalid("The digest supplied does not match a digest calculated from the uploaded file.");
        }

        var existing = await db.Files.AsNoTracking()
            .Where(f => f.Filename == plan.Filename || f.Blake2b256Digest == file.Digests.Blake2b256)
            .Select(f => new { f.Filename, f.Sha256Digest, f.Blake2b256Digest })
            .FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            // Identical bytes under the same name: a retry, answered as success so `twine upload` can be re-run.
            if (existing.Filename == plan.Filename && existing.Sha256Digest == file.Digests.Sha256) return UploadSuccess.AlreadyStored;
            return UploadRefusals.FileExists(existing.Filename, existing.Blake2b256Digest);
        }
        if (await db.FilenameRegistrations.AsNoTracking().AnyAsync(r => r.Filename == plan.Filename, ct))
        {
            // A concurrent upload of the same filename may have committed its file and registration between the
            // two queries: then the name is taken by a live file, not by a deleted one, and the answer says so.
            var live = await db.Files.AsNoTracking().Where(f => f.Filename == plan.Filename)
                .Select(f => new { f.Filename, f.Sha256Digest, f.Blake2b256Digest }).FirstOrDefaultAsync(ct);
            if (live is not null)
            {
                return live.Sha256Digest == file.Digests.Sha256 ? UploadSuccess.AlreadyStored : UploadRefusals.FileExists(live.Filename, live.Blake2b256Digest);
            }
            return Refusal.Invalid("This filename was previously used by a file that has since been deleted. Use a different version.");
        }
        if (plan.PackageType == PackageType.Sdist && plan.ProjectId is { } pid)
        {
            var canonical = plan.Version.CanonicalForm;
            var hasSdist = await db.Files.AsNoTracking().AnyAsync(f =>
                f.ProjectId == pid && f.PackageType == PackageType.Sdist && f.Release.CanonicalVersion == canonical, ct);
            if (hasSdist) return Refusal.Invalid("Only one sdist may be uploaded per release.");
        }

        if (!distributions.Inspect(file.TempPath, plan).TryGetValue(out var inspected, out var invalid)) return invalid;
        // Scanned before the commit, so a malicious file is never visible, not even for a moment.
        if (scanning is { Enabled: true })
        {
            var scan = scanning.Scan(file.TempPath, plan.Filename);
            if (scanning.Refuses(scan)) return Refusal.Invalid(
                $"The file {plan.Filename} was refused by the malware scan ({scan.Findings[0].Rule} in {scan.Findings[0].Path}). If this is a mistake, contact {moderation.Value.ContactText}.");
            inspected = inspected with { Scan = scan };
        }
        return await committer.CommitAsync(plan, file, inspected, ct);
    }

    /// <summary>Quarantined and archived projects take no uploads (PEP 792); the message says why and whom to ask.</summary>
    private Refusal? StatusRefusal(Project project) => project.Lifecycle switch
    {
        ProjectLifecycle.Quarantined => Refusal.Forbidden(
            $"Project '{project.Name}' is quarantined while the index administrators review a report of malware; uploads are refused until the review is over. Contact {moderation.Value.ContactText}."),
        ProjectLifecycle.Archived => Refusal.Invalid(
            $"Cannot upload to archived project '{project.Name}'. An owner can unarchive it in the project's settings; contact the project owners if you have questions."),
        _ => null,
    };

    private Task<bool> IsQuarantinedReleaseAsync(long projectId, string canonicalVersion, CancellationToken ct) =>
        db.Releases.AsNoTracking().AnyAsync(r => r.ProjectId == projectId && r.CanonicalVersion == canonicalVersion && r.Lifecycle == ReleaseLifecycle.Quarantined, ct);

    private async Task<ProjectRoleKind?> RoleOfAsync(UploadIdentity who, Project? project, CancellationToken ct)
    {
        if (project is null) return null;
        var role = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.ProjectId == project.Id && r.UserId == who.User.Id)
            .Select(r => (ProjectRoleKind?)r.Role).FirstOrDefaultAsync(ct);
        return role;
    }

    private static Pep440Version ParseVersion(string text) =>
        Pep440Version.TryParse(text, out var v) && v is not null ? v : throw new InvalidOperationException("Version was validated by FormChecks.");

    /// <summary>Every digest the client supplied must match; absent ones are not required.</summary>
    private static bool DigestsMatch(UploadFields fields, FileDigests actual)
    {
        return Matches(fields["md5_digest"], actual.Md5)
            && Matches(fields["sha256_digest"], actual.Sha256)
            && Matches(fields["blake2_256_digest"], actual.Blake2b256);

        static bool Matches(string? supplied, string computed) => supplied is null ||
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(supplied.ToLowerInvariant()), Encoding.ASCII.GetBytes(computed));
    }
}
