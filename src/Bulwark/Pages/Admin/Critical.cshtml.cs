using Bulwark.Core.Policies;

namespace Bulwark.Pages.Admin;

/// <summary>Critical projects, a page at a time, with each maintainer's second-factor level.</summary>
public sealed class CriticalModel(MandateDashboard dashboard) : AdminPageModel
{
    public const int PageSize = 100;

    public IReadOnlyList<CriticalProjectRow> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public int PageNumber { get; private set; }

    public async Task OnGetAsync(int page = 1, CancellationToken ct = default)
    {
        PageNumber = Math.Max(1, page);
        (Rows, Total) = await dashboard.CriticalProjectsAsync(PageNumber, PageSize, ct);
    }
}
