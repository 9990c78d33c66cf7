using Bulwark.Core.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Pages.Admin.Users;

/// <summary>Finds an account for the responders (by user name) and lists the frozen ones.</summary>
public sealed class IndexModel(BulwarkDbContext db) : AdminPageModel
{
    public IReadOnlyList<string> Frozen { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? name, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(name)) return Redirect($"/admin/users/{Uri.EscapeDataString(name.Trim())}");
        Frozen = await db.Users.AsNoTracking().Where(u => u.IsFrozen).OrderBy(u => u.NormalizedUsername).Select(u => u.Username).Take(500).ToListAsync(ct);
        return Page();
    }
}
