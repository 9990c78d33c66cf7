using Bulwark.Core.Data;
using Bulwark.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Pages.Admin;

/// <summary>
/// The administrators' dashboard: index totals and the second-factor adoption figures an operator watches
/// (shares of maintainers with 2FA and with phishing-resistant 2FA, critical projects out of compliance,
/// downloads of the top projects), drawn as server-rendered SVG. The folder's authorization policy admits
/// only administrators; <see cref="AdminPageModel"/> adds the phishing-resistant session.
/// </summary>
public sealed class IndexModel(BulwarkDbContext db, MandateDashboard dashboard) : AdminPageModel
{
    public int Users { get; private set; }
    public int Projects { get; private set; }
    public int Releases { get; private set; }
    public int Files { get; private set; }
    public long TotalBytes { get; private set; }
    public DashboardFigures Figures { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Users = await db.Users.CountAsync(ct);
        Projects = await db.Projects.CountAsync(ct);
        Releases = await db.Releases.CountAsync(ct);
        Files = await db.Files.CountAsync(ct);
        TotalBytes = await db.Projects.SumAsync(p => p.TotalSize, ct);
        Figures = await dashboard.ComputeAsync(ct);
    }
}
