using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Moderation;

/// <summary>A project (tracked) and the releases a moderation action names; no releases means the whole project.</summary>
public sealed record ModerationTarget(Project Project, IReadOnlyList<Release> Releases)
{
    public bool WholeProject => Releases.Count == 0;
    public IReadOnlyList<string> Versions => Releases.Select(r => r.Version).ToList();
}

/// <summary>Finds what a moderation action names, refusing unknown projects and versions by name.</summary>
public sealed class ModerationTargets(BulwarkDbContext db)
{
    public async Task<Outcome<ModerationTarget>> FindAsync(string name, IReadOnlyCollection<string> versions, CancellationToken ct)
    {
        var normalized = ProjectName.Normalize(name.Trim());
        var project = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
        if (project is null) return Refusal.NotFound($"There is no project '{name}'.");
        var releases = new List<Release>();
        foreach (var version in versions.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal))
        {
            var canonical = Pep440Version.TryParse(version, out var parsed) ? parsed.CanonicalForm : version;
            var release = await db.Releases.FirstOrDefaultAsync(r => r.ProjectId == project.Id && (r.CanonicalVersion == canonical || r.Version == version), ct);
            if (release is null) return new Refusal(RefusalKind.NotFound, $"Project '{project.Name}' has no release '{version}'.", "version");
            if (releases.All(r => r.Id != release.Id)) releases.Add(release);
        }
        return new ModerationTarget(project, releases);
    }

    /// <summary>Username and address of everyone with a role on the project.</summary>
    public async Task<List<(string Username, string Email)>> MaintainersAsync(long projectId, CancellationToken ct) =>
        (await db.ProjectRoles.AsNoTracking().Where(r => r.ProjectId == projectId)
            .Select(r => new { r.User.Username, r.User.Email }).ToListAsync(ct))
        .Select(r => (r.Username, r.Email)).ToList();
}
