using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Projects;

/// <summary>A user's standing on one project. Owners manage collaborators and delete; owners and maintainers yank.</summary>
public sealed record ProjectMembership(Project Project, ProjectRoleKind? Role)
{
    public bool IsMember => Role is not null;
    public bool IsOwner => Role == ProjectRoleKind.Owner;
    public bool CanYank => Role is ProjectRoleKind.Owner or ProjectRoleKind.Maintainer;
    public bool CanRemove => IsOwner;
    public bool CanManageCollaborators => IsOwner;
}

public sealed class ProjectAccess(BulwarkDbContext db)
{
    /// <summary>The project (tracked) and the user's role on it; null when there is no such project.</summary>
    public async Task<ProjectMembership?> FindAsync(string name, long userId, CancellationToken ct = default)
    {
        var normalized = ProjectName.Normalize(name);
        var project = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
        if (project is null) return null;
        var role = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.ProjectId == project.Id && r.UserId == userId)
            .Select(r => (ProjectRoleKind?)r.Role)
            .FirstOrDefaultAsync(ct);
        return new ProjectMembership(project, role);
    }

    /// <summary>
    /// Takes the project's row lock for the rest of the transaction, so that two concurrent role changes
    /// (two owners removing each other) are decided one after the other and the last-owner rule holds.
    /// </summary>
    internal static Task LockAsync(BulwarkDbContext db, long projectId, CancellationToken ct) =>
        db.Projects.Where(p => p.Id == projectId).ExecuteUpdateAsync(s => s.SetProperty(p => p.LastSerial, p => p.LastSerial), ct);

    /// <summary>
    /// The typed confirmation of a destructive action: the project's name, in any spelling that normalizes
    /// to it (PEP 503), so "My_Project" confirms "my-project".
    /// </summary>
    public static bool ConfirmsName(string? typed, Project project) =>
        !string.IsNullOrWhiteSpace(typed) && ProjectName.Normalize(typed.Trim()) == project.NormalizedName;
}
