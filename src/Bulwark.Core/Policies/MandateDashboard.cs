using Bulwark.Core.Accounts;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Policies;

/// <summary>How many accounts of a group there are, and how many have 2FA set up and a phishing-resistant factor.</summary>
public sealed record AdoptionShare(int Total, int WithTwoFactor, int WithPhishingResistant)
{
    public double TwoFactorPercent => Total == 0 ? 0 : 100.0 * WithTwoFactor / Total;
    public double PhishingResistantPercent => Total == 0 ? 0 : 100.0 * WithPhishingResistant / Total;
}

/// <summary>Critical projects, and those with at least one maintainer who lacks 2FA (past and within the grace period).</summary>
public sealed record ComplianceFigures(int Critical, int OutOfComplianceEnforced, int OutOfComplianceGrace)
{
    public int Compliant => Critical - OutOfComplianceEnforced - OutOfComplianceGrace;
}

/// <summary>Daily downloads of one project, one value per day of <see cref="DashboardFigures.Days"/>.</summary>
public sealed record DownloadSeries(string Project, long Total, IReadOnlyList<long> Daily);

public sealed record DashboardFigures(
    AdoptionShare AllMaintainers,
    AdoptionShare CriticalMaintainers,
    ComplianceFigures Compliance,
    DownloadWindow Window,
    IReadOnlyList<DownloadSeries> TopProjects,
    DateTimeOffset ComputedAt);

public enum FactorLevel
{
    None,
    /// <summary>A factor exists but the recovery codes were never confirmed: does not satisfy the mandates.</summary>
    Incomplete,
    Any,
    PhishingResistant,
}

public sealed record MaintainerFactors(string Username, ProjectRoleKind Role, bool IsAutomation, FactorLevel Level);

public sealed record CriticalProjectRow(CriticalProjectStatus Status, bool PhishingResistantOnly, IReadOnlyList<MaintainerFactors> Maintainers)
{
    /// <summary>Every maintainer who can sign in has 2FA set up (automation accounts are exempt).</summary>
    public bool Compliant => Maintainers.All(m => m.IsAutomation || m.Level is FactorLevel.Any or FactorLevel.PhishingResistant);
}

/// <summary>
/// The admin dashboard's figures. Everything is counted by the database (COUNT over EXISTS sub-queries, SUM
/// with GROUP BY), so the cost is a few index-backed statements, not a walk over 700,000 projects in memory.
/// "Maintainer" means an account with a role on some project that can sign in: automation accounts are
/// exempt from the mandates and would only blur the share. "2FA" is what the mandates accept (a factor and
/// confirmed recovery codes); "phishing-resistant" additionally needs a security key or passkey.
/// </summary>
public sealed class MandateDashboard(BulwarkDbContext db, CriticalProjectPolicy critical, TimeProvider time)
{
    public const int TopProjectCount = 5;
    public const int DownloadDays = 30;

    public async Task<DashboardFigures> ComputeAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var people = db.Users.AsNoTracking().Where(u => u.PasswordHash != null);
        var all = await AdoptionAsync(people.Where(u => db.ProjectRoles.Any(r => r.UserId == u.Id)), ct);
        var criticalPeople = await AdoptionAsync(people.Where(u => db.ProjectRoles.Any(r => r.UserId == u.Id && r.Project.CriticalSince != null)), ct);

        var criticalProjects = db.Projects.AsNoTracking().Where(p => p.CriticalSince != null);
        var lacking = criticalProjects.Where(p => p.Roles.Any(r => r.User.PasswordHash != null && !(
            (db.TotpCredentials.Any(t => t.UserId == r.UserId && t.ConfirmedAt != null)
             || db.WebAuthnCredentials.Any(c => c.UserId == r.UserId && c.FlaggedAsPossibleCloneAt == null))
            && db.RecoveryCodeSets.Any(s => s.UserId == r.UserId && s.InvalidatedAt == null && s.ConfirmedAt != null))));
        // Enforced from CriticalEnforceAfter, or at once for a mark stored without one (CriticalProjectPolicy.Evaluate).
        var compliance = new ComplianceFigures(
            await criticalProjects.CountAsync(ct),
            await lacking.CountAsync(p => (p.CriticalEnforceAfter ?? p.CriticalSince) <= now, ct),
            await lacking.CountAsync(p => (p.CriticalEnforceAfter ?? p.CriticalSince) > now, ct));

        var window = DownloadWindow.Ending(now, DownloadDays);
        var (from, to) = (window.From, window.To);
        var top = await db.DownloadCounts.AsNoTracking()
            .Where(d => d.Day >= from && d.Day < to)
            .GroupBy(d => d.ProjectId)
            .Select(g => new { ProjectId = g.Key, Total = g.Sum(d => d.Count) })
            .OrderByDescending(g => g.Total).ThenBy(g => g.ProjectId)
            .Take(TopProjectCount)
            .ToListAsync(ct);
        var ids = top.Select(t => t.ProjectId).ToList();
        var names = await db.Projects.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var daily = await db.DownloadCounts.AsNoTracking()
            .Where(d => ids.Contains(d.ProjectId) && d.Day >= from && d.Day < to)
            .GroupBy(d => new { d.ProjectId, d.Day })
            .Select(g => new { g.Key.ProjectId, g.Key.Day, Count = g.Sum(d => d.Count) })
            .ToListAsync(ct);
        var series = top.Where(t => names.ContainsKey(t.ProjectId)).Select(t =>
        {
            var values = new long[window.Days];
            foreach (var d in daily.Where(d => d.ProjectId == t.ProjectId)) values[d.Day.DayNumber - from.DayNumber] = d.Count;
            return new DownloadSeries(names[t.ProjectId], t.Total, values);
        }).ToList();

        return new DashboardFigures(all, criticalPeople, compliance, window, series, now);
    }

    /// <summary>One page of critical projects (by name) with each maintainer's second-factor level.</summary>
    public async Task<(IReadOnlyList<CriticalProjectRow> Rows, int Total)> CriticalProjectsAsync(int page, int pageSize, CancellationToken ct = default)
    {
        var query = db.Projects.AsNoTracking().Where(p => p.CriticalSince != null);
        var total = await query.CountAsync(ct);
        var projects = await query.OrderBy(p => p.NormalizedName).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var ids = projects.Select(p => p.Id).ToList();
        var roles = await db.ProjectRoles.AsNoTracking().Where(r => ids.Contains(r.ProjectId))
            .Select(r => new
            {
                r.ProjectId,
                r.Role,
                r.User.Username,
                Automation = r.User.PasswordHash == null,
                Key = db.WebAuthnCredentials.Any(c => c.UserId == r.UserId && c.FlaggedAsPossibleCloneAt == null),
                Totp = db.TotpCredentials.Any(t => t.UserId == r.UserId && t.ConfirmedAt != null),
                Confirmed = db.RecoveryCodeSets.Any(s => s.UserId == r.UserId && s.InvalidatedAt == null && s.ConfirmedAt != null),
            })
            .ToListAsync(ct);
        var rows = projects.Select(p => new CriticalProjectRow(critical.Evaluate(p), p.RequirePhishingResistant,
            roles.Where(r => r.ProjectId == p.Id)
                .OrderBy(r => r.Role).ThenBy(r => r.Username, StringComparer.Ordinal)
                .Select(r => new MaintainerFactors(r.Username, r.Role, r.Automation,
                    !(r.Key || r.Totp) ? FactorLevel.None
                    : !r.Confirmed ? FactorLevel.Incomplete
                    : r.Key ? FactorLevel.PhishingResistant : FactorLevel.Any))
                .ToList())).ToList();
        return (rows, total);
    }

    private async Task<AdoptionShare> AdoptionAsync(IQueryable<User> group, CancellationToken ct)
    {
        var complete = group.Where(u => db.RecoveryCodeSets.Any(s => s.UserId == u.Id && s.InvalidatedAt == null && s.ConfirmedAt != null));
        return new AdoptionShare(
            await group.CountAsync(ct),
            await complete.CountAsync(u => db.TotpCredentials.Any(t => t.UserId == u.Id && t.ConfirmedAt != null)
                                        || db.WebAuthnCredentials.Any(c => c.UserId == u.Id && c.FlaggedAsPossibleCloneAt == null), ct),
            await complete.CountAsync(u => db.WebAuthnCredentials.Any(c => c.UserId == u.Id && c.FlaggedAsPossibleCloneAt == null), ct));
    }
}
