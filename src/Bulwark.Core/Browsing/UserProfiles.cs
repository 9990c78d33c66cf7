using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Browsing;

public sealed record ProfileProject(ProjectListing Project, ProjectRoleKind Role);

public sealed record UserProfile(string Username, DateTimeOffset JoinedAt, IReadOnlyList<ProfileProject> Projects);

/// <summary>A user's public profile: the username, when they joined, and the projects they hold a role on.</summary>
public sealed class UserProfiles(BulwarkDbContext db)
{
    public async Task<UserProfile?> LoadAsync(string username, bool includeQuarantined = false, CancellationToken ct = default)
    {
        var normalized = username.ToLowerInvariant();
        var user = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedUsername == normalized)
            .Select(u => new { u.Id, u.Username, u.CreatedAt })
            .FirstOrDefaultAsync(ct);
        if (user is null) return null;

        var roles = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.UserId == user.Id && (includeQuarantined || r.Project.Lifecycle != ProjectLifecycle.Quarantined))
            .OrderBy(r => r.Project.NormalizedName)
            .Select(r => new { r.ProjectId, r.Project.Name, r.Project.NormalizedName, r.Project.CreatedAt, r.Role })
            .ToListAsync(ct);
        var latest = await ProjectSearch.LatestReleasesAsync(db, roles.Select(r => r.ProjectId).ToList(), ct);
        var projects = roles.Select(r =>
        {
            latest.TryGetValue(r.ProjectId, out var release);
            return new ProfileProject(new ProjectListing(r.Name, r.NormalizedName, release?.Version, release?.Summary, r.CreatedAt), r.Role);
        }).ToList();
        return new UserProfile(user.Username, user.CreatedAt, projects);
    }
}
