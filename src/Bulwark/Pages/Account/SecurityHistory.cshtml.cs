using Bulwark.Core.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Account;

/// <summary>The account's audit events: what happened, when (UTC), from which address and client.</summary>
public sealed class SecurityHistoryModel(SecurityHistory history) : BulwarkPageModel
{
    // "page" is Razor Pages' own route value, so the page number travels as "p".
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public SecurityHistoryPage Events { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Events = await history.GetAsync(CurrentUser.Id, PageNumber, 50, ct);
    }

    /// <summary>"TokenCreated" → "Token created".</summary>
    public static string Describe(AuditEventType type)
    {
        var name = type.ToString();
        var words = System.Text.RegularExpressions.Regex.Replace(name, "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant();
        return char.ToUpperInvariant(words[0]) + words[1..];
    }
}
