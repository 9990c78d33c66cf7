using Bulwark.Auth;
using Bulwark.Core.Accounts;
using Bulwark.Core.Data;
using Bulwark.Core.Moderation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Pages.Admin.Users;

/// <summary>
/// The compromise-window review: the same events as <c>user activity NAME --since T</c>, oldest first, and the one
/// confirmed step of <see cref="CompromiseResponse"/> (the same use case as <c>user respond</c>).
/// </summary>
public sealed class ActivityModel(UserService users, AccountActivity activity, CompromiseResponse response, BulwarkDbContext db, TimeProvider time)
    : AdminUserPageModel(users)
{
    /// <summary>The window when the address names none: the last 30 days.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    public DateTimeOffset Since { get; private set; }
    public IReadOnlyList<ActivityEvent> Events { get; private set; } = [];

    /// <summary>The releases the events name, in the order first seen: the ones the response may act on.</summary>
    public IReadOnlyList<ReleaseRef> Releases { get; private set; } = [];

    /// <summary>Those of <see cref="Releases"/> that no longer exist (removed since): listed, but not offered.</summary>
    public IReadOnlySet<ReleaseRef> Gone { get; private set; } = new HashSet<ReleaseRef>();

    public async Task<IActionResult> OnGetAsync(string name, string? since, CancellationToken ct)
    {
        if (!await LoadAsync(name, ct)) return NotFound();
        if (!ReadSince(since)) return BadRequest();
        Events = await activity.SinceAsync(Account, Since, ct);
        Releases = Events.Where(e => e.Project is not null && e.Version is not null)
            .Select(e => new ReleaseRef(e.Project!, e.Version!)).Distinct().ToList();
        var names = Releases.Select(r => r.Project).Distinct().ToList();
        var present = (await db.Releases.AsNoTracking().Where(r => names.Contains(r.Project.Name))
                .Select(r => new { r.Project.Name, r.Version }).ToListAsync(ct))
            .Select(r => new ReleaseRef(r.Name, r.Version)).ToHashSet();
        Gone = Releases.Where(r => !present.Contains(r)).ToHashSet();
        return Page();
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostRespondAsync(string name, string? since, string[]? releases, CompromiseAction action, string? reason,
        string? confirm, CancellationToken ct)
    {
        if (!await LoadAsync(name, ct)) return NotFound();
        if (!ReadSince(since)) return BadRequest();
        if (Confirmed(confirm))
        {
            var chosen = (releases ?? []).Select(ReleaseRef.Parse).OfType<ReleaseRef>().ToList();
            var outcome = await response.RespondAsync(Account, new CompromiseRequest(Since, chosen, action, reason), RequestActor, ct);
            Flash(outcome.Then<string>(done => done.Describe(Account.Username, action)));
        }
        return RedirectToPage(new { name = Account.Username, since = Since.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Reads <c>since</c>; a missing value is 30 days ago, a malformed one is refused (the page answers 400 with the text).</summary>
    private bool ReadSince(string? since)
    {
        if (string.IsNullOrWhiteSpace(since))
        {
            Since = time.GetUtcNow() - DefaultWindow;
            return true;
        }
        if (AccountActivity.TryParseSince(since, out var parsed))
        {
            Since = parsed;
            return true;
        }
        return false;
    }
}
