using Bulwark.Core.Browsing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bulwark.Pages;

public sealed class IndexModel(ProjectSearch search) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    // "page" is Razor Pages' own route value, so the page number travels as "p".
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public SearchPage Results { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Results = await search.SearchAsync(Query, PageNumber, ct: ct);
    }

    public string PageLink(int page) =>
        "/?" + (string.IsNullOrWhiteSpace(Query) ? "" : "q=" + Uri.EscapeDataString(Query) + "&") + "p=" + page;
}
