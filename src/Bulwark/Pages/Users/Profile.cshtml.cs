using Bulwark.Core.Browsing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bulwark.Pages.Users;

/// <summary>A user's public profile: their projects.</summary>
public sealed class ProfileModel(UserProfiles profiles) : PageModel
{
    public UserProfile Profile { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string username, CancellationToken ct)
    {
        var profile = await profiles.LoadAsync(username, ct: ct);
        if (profile is null) return NotFound();
        Profile = profile;
        return Page();
    }
}
