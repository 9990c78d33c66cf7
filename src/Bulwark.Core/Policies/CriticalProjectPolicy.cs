using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Policies;

public enum CriticalStage
{
    NotCritical,
    /// <summary>Critical, but the grace period has not ended: warn, do not refuse.</summary>
    GracePeriod,
    /// <summary>Critical and past the grace period: the rules apply.</summary>
    Enforced,
}

/// <summary>Whether a project is critical and whether its rules are enforced yet.</summary>
public sealed record CriticalProjectStatus(long ProjectId, string ProjectName, DateTimeOffset? CriticalSince, DateTimeOffset? EnforceAfter, CriticalStage Stage)
{
    public bool IsCritical => Stage != CriticalStage.NotCritical;
    public bool IsEnforced => Stage == CriticalStage.Enforced;
}

/// <summary>
/// The seam the upload, token and management paths use: it answers "is this project critical, and is the
/// grace period over". It knows nothing of second factors; the caller combines <see cref="CriticalStage.Enforced"/>
/// with the acting user's 2FA state and refuses with a message that names the rule and the deadline.
/// </summary>
public sealed class CriticalProjectPolicy(BulwarkDbContext db, TimeProvider time)
{
    /// <summary>
    /// The rules apply from <paramref name="enforceAfter"/> on (inclusive). A mark without a deadline (set
    /// before deadlines were stored) is enforced at once.
    /// </summary>
    public static CriticalStage Evaluate(DateTimeOffset? criticalSince, DateTimeOffset? enforceAfter, DateTimeOffset now) =>
        criticalSince is null ? CriticalStage.NotCritical
        : now >= (enforceAfter ?? criticalSince.Value) ? CriticalStage.Enforced
        : CriticalStage.GracePeriod;

    public CriticalProjectStatus Evaluate(Project project) =>
        new(project.Id, project.Name, project.CriticalSince, project.CriticalEnforceAfter,
            Evaluate(project.CriticalSince, project.CriticalEnforceAfter, time.GetUtcNow()));

    public async Task<CriticalProjectStatus?> GetAsync(long projectId, CancellationToken ct = default)
    {
        var row = await db.Projects.AsNoTracking().Where(p => p.Id == projectId)
            .Select(p => new { p.Id, p.Name, p.CriticalSince, p.CriticalEnforceAfter }).FirstOrDefaultAsync(ct);
        return row is null ? null : new(row.Id, row.Name, row.CriticalSince, row.CriticalEnforceAfter, Evaluate(row.CriticalSince, row.CriticalEnforceAfter, time.GetUtcNow()));
    }

    /// <summary>
    /// The critical projects on which the user has a role, for rules that are about the user rather than one
    /// project (creating a user-wide token, the account page's warning, the admin dashboard).
    /// </summary>
    public async Task<IReadOnlyList<CriticalProjectStatus>> ForUserAsync(long userId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var rows = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.UserId == userId && r.Project.CriticalSince != null)
            .Select(r => new { r.Project.Id, r.Project.Name, r.Project.CriticalSince, r.Project.CriticalEnforceAfter })
            .ToListAsync(ct);
        return rows.OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => new CriticalProjectStatus(r.Id, r.Name, r.CriticalSince, r.CriticalEnforceAfter, Evaluate(r.CriticalSince, r.CriticalEnforceAfter, now)))
            .ToList();
    }
}
