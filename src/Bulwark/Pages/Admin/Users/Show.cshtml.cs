using Bulwark.Auth;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Data;
using Bulwark.Core.Moderation;
using Bulwark.Core.Packaging;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Pages.Admin.Users;

/// <summary>A project role of the account, as the page lists it.</summary>
public sealed record AccountRoleRow(string Project, string NormalizedName, ProjectRoleKind Role);

/// <summary>
/// One account for the responders: its standing, its roles, and freeze / unfreeze / restore, calling the same
/// <see cref="AccountFreeze"/> and <see cref="AccountRestoration"/> as <c>user freeze</c>, <c>user unfreeze</c> and
/// <c>user restore</c>, so the rules and the messages are the ones the command line gives.
/// </summary>
public sealed class ShowModel(UserService users, BulwarkDbContext db, SessionService sessions, AccountFreeze freeze, AccountRestoration restoration, TimeProvider time)
    : AdminUserPageModel(users)
{
    public IReadOnlyList<AccountRoleRow> Roles { get; private set; } = [];
    public int SecondFactors { get; private set; }
    public int OpenTokens { get; private set; }
    public int ActiveSessions { get; private set; }

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        if (!await LoadAsync(name, ct)) return NotFound();
        Roles = (await db.ProjectRoles.AsNoTracking().Where(r => r.UserId == Account.Id)
                .Select(r => new { r.Project.Name, r.Project.NormalizedName, r.Role }).ToListAsync(ct))
            .Select(r => new AccountRoleRow(r.Name, r.NormalizedName, r.Role)).OrderBy(r => r.NormalizedName, StringComparer.Ordinal).ToList();
        SecondFactors = await db.TotpCredentials.CountAsync(t => t.UserId == Account.Id, ct) + await db.WebAuthnCredentials.CountAsync(k => k.UserId == Account.Id, ct);
        var now = time.GetUtcNow();
        OpenTokens = (await db.ApiTokens.AsNoTracking().Where(t => t.UserId == Account.Id && t.RevokedAt == null).Select(t => t.ExpiresAt).ToListAsync(ct))
            .Count(expires => expires is null || expires > now);
        ActiveSessions = (await sessions.ListActiveAsync(Account.Id, ct)).Count;
        return Page();
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostFreezeAsync(string name, string? reason, string? confirm, CancellationToken ct)
    {
        if (!await LoadAsync(name, ct)) return NotFound();
        if (Confirmed(confirm)) Flash(await freeze.FreezeAsync(Account, reason ?? "", RequestActor, ct));
        return RedirectToPage(new { name = Account.Username });
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostUnfreezeAsync(string name, string? confirm, CancellationToken ct)
    {
        if (!await LoadAsync(name, ct)) return NotFound();
        if (Confirmed(confirm)) Flash(await freeze.UnfreezeAsync(Account, RequestActor, ct));
        return RedirectToPage(new { name = Account.Username });
    }

    /// <param name="since">The start of the window listed in the owner's mail (ISO 8601); empty: the last 30 days.</param>
    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostRestoreAsync(string name, string? since, string? confirm, CancellationToken ct)
    {
        if (!await LoadAsync(name, ct)) return NotFound();
        if (!Confirmed(confirm)) return RedirectToPage(new { name = Account.Username });
        DateTimeOffset? window = null;
        if (!string.IsNullOrWhiteSpace(since))
        {
            if (!AccountActivity.TryParseSince(since, out var parsed))
            {
                Flash($"'{since}' is not an ISO 8601 time (for example 2022-05-24T00:00:00Z).", error: true);
                return RedirectToPage(new { name = Account.Username });
            }
            window = parsed;
        }
        Flash((await restoration.RestoreAsync(Account, RequestActor, ct, window)).Then<string>(restored => restored.Message));
        return RedirectToPage(new { name = Account.Username });
    }
}
