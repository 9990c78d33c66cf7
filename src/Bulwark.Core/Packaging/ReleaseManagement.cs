using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Projects;
using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;

namespace Bulwark.Core.Packaging;

/// <summary>What a yank or unyank that was not refused did.</summary>
public enum YankChange
{
    Done,
    AlreadyInState,
}

/// <summary>Yank and unyank (PEP 592). Both are journaled so cached index pages change at once.</summary>
/// <remarks>
/// The not-found refusals are worded for the command line ("error: there is no project 'x'."); the release
/// page words <see cref="RefusalKind.NotFound"/> its own way, since it always names the project it shows.
/// </remarks>
public sealed class ReleaseManagement(BulwarkDbContext db, IndexWriter index, AuditLog audit)
{
    /// <summary>
    /// The longest yank reason, as for status and quarantine reasons. Why: the reason is served with every file of
    /// the release on the simple pages and the JSON API, so an unbounded one (a 1 MB form field was accepted) made
    /// every pip client of the project download it once per file.
    /// </summary>
    public const int MaxReasonLength = 500;

    public async Task<Outcome<YankChange>> SetYankedAsync(string projectName, string version, bool yanked, string? reason, Actor actor, CancellationToken ct = default)
    {
        if (yanked && NullIfEmpty(reason) is { Length: > MaxReasonLength })
        {
            return Refusal.Invalid($"The yank reason is longer than {MaxReasonLength} characters.", "reason");
        }
        var normalized = ProjectName.Normalize(projectName);
        var project = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
        if (project is null) return Refusal.NotFound($"there is no project '{projectName}'.");
        var release = await FindReleaseAsync(project, version, ct);
        if (release is null) return Refusal.NotFound($"project '{projectName}' has no release '{version}'.");
        if (release.Yanked == yanked && (!yanked || release.YankedReason == NullIfEmpty(reason))) return YankChange.AlreadyInState;

        await using var tx = await index.BeginAsync(ct);
        release.Yanked = yanked;
        release.YankedReason = yanked ? NullIfEmpty(reason) : null;
        await index.AppendAsync(project, yanked ? "yank release" : "unyank release", release.Version, userId: actor.UserId, ct: ct);
        audit.Record(yanked ? AuditEventType.ReleaseYanked : AuditEventType.ReleaseUnyanked, actor, projectId: project.Id,
            details: new ReleaseAuditDetails(release.Version, release.YankedReason));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return YankChange.Done;
    }

    /// <summary>Finds a release by any spelling of its version (PEP 440 canonical form), falling back to the literal text.</summary>
    public async Task<Release?> FindReleaseAsync(Project project, string version, CancellationToken ct = default)
    {
        var canonical = Pep440Version.TryParse(version, out var parsed) ? parsed!.CanonicalForm : version;
        return await db.Releases.FirstOrDefaultAsync(r => r.ProjectId == project.Id && (r.CanonicalVersion == canonical || r.Version == version), ct);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
