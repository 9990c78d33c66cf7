using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account.Tokens;

/// <summary>The user's API tokens: name, scope, created, last used, expiry; revoke. Secrets are never shown here.</summary>
public sealed class IndexModel(TokenList list, ApiTokenService tokens, Bulwark.Core.TokenLeaks.LeakedTokens leaks, TimeProvider time) : BulwarkPageModel
{
    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Tokens = await list.ForUserAsync(CurrentUser.Id, ct);
        Now = time.GetUtcNow();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        var token = await list.FindOwnedAsync(CurrentUser.Id, id, ct);
        if (token is null) return NotFound();
        var revoked = await tokens.RevokeAsync(token, RequestActor, ct);
        Flash(revoked ? $"Revoked the token '{token.Name}'." : $"The token '{token.Name}' was already revoked.");
        return RedirectToPage();
    }

    /// <summary>
    /// The owner found the token in public: it is revoked like a scanner's report would revoke it, and recorded as a
    /// leak with the URL, so the security history says why it died.
    /// </summary>
    public async Task<IActionResult> OnPostReportLeakAsync(Guid id, string? url, CancellationToken ct)
    {
        var token = await list.FindOwnedAsync(CurrentUser.Id, id, ct);
        if (token is null) return NotFound();
        var revoked = await leaks.ReportByOwnerAsync(token, url, RequestActor, ct);
        Flash(revoked
            ? $"Revoked the token '{token.Name}' and recorded the leak. Check your projects' recent releases for uploads you did not make."
            : $"The token '{token.Name}' was already revoked.");
        return RedirectToPage();
    }

    public string Status(ApiToken token) =>
        token.RevokedAt is not null ? "revoked" : token.ExpiresAt is { } e && e <= Now ? "expired" : "active";
}
