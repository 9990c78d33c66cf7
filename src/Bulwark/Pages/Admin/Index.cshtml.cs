using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Pages.Admin;

/// <summary>The administrators' dashboard. The folder's authorization policy admits only administrators.</summary>
public sealed class IndexModel(BulwarkDbContext db) : AdminPageModel
{
    public int Users { get; private set; }
    public int Projects { get; private set; }
    public int Releases { get; private set; }
    public int Files { get; private set; }
    public long TotalBytes { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Users = await db.Users.CountAsync(ct);
        Projects = await db.Projects.CountAsync(ct);
        Releases = await db.Releases.CountAsync(ct);
        Files = await db.Files.CountAsync(ct);
        TotalBytes = await db.Projects.SumAsync(p => p.TotalSize, ct);
    }
}
