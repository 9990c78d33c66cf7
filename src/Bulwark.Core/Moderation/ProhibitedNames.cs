using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Moderation;

/// <summary>
/// The administrators' list of names no new project may take (checked by <see cref="Uploads.ProjectNamePolicy"/>
/// at every project creation: upload, pending publisher). A name is kept in its PEP 503 form, so every spelling is
/// covered. Removing a project as malware adds its name here too (<see cref="MalwareRemoval"/>).
/// </summary>
public sealed class ProhibitedNames(BulwarkDbContext db, AuditLog audit, TimeProvider time)
{
    public const int MaxCommentLength = 500;

    public async Task<Outcome<ProhibitedProjectName>> ProhibitAsync(string? name, string? comment, Actor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || !ProjectName.IsValid(name.Trim())) return Refusal.Invalid($"'{name}' is not a valid project name.", "name");
        if (string.IsNullOrWhiteSpace(comment)) return Refusal.Invalid("A comment is required: say why the name is prohibited.", "comment");
        if (comment.Trim().Length > MaxCommentLength) return Refusal.Invalid($"The comment is longer than {MaxCommentLength} characters.", "comment");
        var normalized = ProjectName.Normalize(name.Trim());
        if (await db.ProhibitedProjectNames.AnyAsync(p => p.NormalizedName == normalized, ct)) return Refusal.Conflict($"'{normalized}' is already prohibited.");

        var entry = new ProhibitedProjectName { NormalizedName = normalized, Reason = comment.Trim(), CreatedAt = time.GetUtcNow(), CreatedByUserId = actor.UserId };
        db.ProhibitedProjectNames.Add(entry);
        var projectId = await db.Projects.Where(p => p.NormalizedName == normalized).Select(p => (long?)p.Id).FirstOrDefaultAsync(ct);
        audit.Record(AuditEventType.NameProhibited, actor, null, projectId, new NameProhibitedDetails(normalized, entry.Reason));
        await db.SaveChangesAsync(ct);
        return entry;
    }

    /// <summary>Every prohibited name, newest first.</summary>
    public Task<List<ProhibitedProjectName>> ListAsync(CancellationToken ct = default) =>
        db.ProhibitedProjectNames.AsNoTracking().OrderByDescending(p => p.CreatedAt).ThenBy(p => p.NormalizedName).ToListAsync(ct);
}

/// <summary>Audit details of a prohibited name.</summary>
public sealed record NameProhibitedDetails(string Name, string? Comment) : IAuditDetails;
