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
}
