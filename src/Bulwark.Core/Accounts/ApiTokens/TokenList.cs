using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.ApiTokens;

/// <summary>A project a user may scope a token to.</summary>
public sealed record ScopableProject(string Name, string NormalizedName, ProjectRoleKind Role);

/// <summary>What the token pages list: a user's tokens (never their secrets) and the projects they can scope to.</summary>
public sealed class TokenList(BulwarkDbContext db)
{
    /// <summary>Live tokens first (newest first), then revoked ones.</summary>
    public async Task<List<ApiToken>> ForUserAsync(long userId, CancellationToken ct = default)
    {
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).ToListAsync(ct);
        return tokens.OrderBy(t => t.RevokedAt is not null).ThenByDescending(t => t.CreatedAt).ToList();
    }

    /// <summary>The user's token with this id (tracked, for revocation), or null.</summary>
    public Task<ApiToken?> FindOwnedAsync(long userId, Guid id, CancellationToken ct = default) =>
        db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && t.UserId == userId, ct);

    public Task<List<ScopableProject>> ProjectsOfAsync(long userId, CancellationToken ct = default) =>
        db.ProjectRoles.AsNoTracking()
            .Where(r => r.UserId == userId)
            .OrderBy(r => r.Project.NormalizedName)
            .Select(r => new ScopableProject(r.Project.Name, r.Project.NormalizedName, r.Role))
            .ToListAsync(ct);

    /// <summary>
    /// The first of <paramref name="projectNames"/> that is an existing project on which the user has no role, or
    /// null when there is none. A token may be limited to a project the user maintains, or to a name nobody has
    /// taken yet (its first upload creates the project and makes the user its owner); a token limited to someone
    /// else's project could never upload, and minting one only leaves a live secret around for nothing.
    /// </summary>
    public async Task<string?> ForeignProjectAsync(long userId, IEnumerable<string> projectNames, CancellationToken ct = default)
    {
        var normalized = projectNames.Select(ProjectName.Normalize).Distinct().ToList();
        if (normalized.Count == 0) return null;
        return await db.Projects.AsNoTracking()
            .Where(p => normalized.Contains(p.NormalizedName) && !p.Roles.Any(r => r.UserId == userId))
            .OrderBy(p => p.NormalizedName)
            .Select(p => p.Name)
            .FirstOrDefaultAsync(ct);
    }
}
