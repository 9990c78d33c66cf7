using Bulwark.Auth;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Packaging;
using Microsoft.AspNetCore.Mvc;

using Bulwark.Core.Outcomes;

namespace Bulwark.Pages.Account.Tokens;

/// <summary>
/// Creates an API token: user-wide or limited to some of the user's projects, with an optional expiry.
/// The token is shown on the answer to the form and never again. A recent sign-in is required.
/// </summary>
[RequireRecentAuthentication]
public sealed class NewModel(ApiTokenCreation creation, TokenList list, TimeProvider time) : BulwarkPageModel
{
    public static readonly int[] ExpiryChoices = [7, 30, 90, 365];

    [BindProperty]
    public string Name { get; set; } = "";

    /// <summary>"user" for every project the user can upload to, "projects" for the ones ticked.</summary>
    [BindProperty]
    public string Scope { get; set; } = "projects";

    [BindProperty]
    public List<string> Projects { get; set; } = [];

    /// <summary>
    /// A project the user is about to create with this token's first upload. Only a name nobody owns is
    /// accepted; the upload then creates it and makes the user its owner.
    /// </summary>
    [BindProperty]
    public string? NewProject { get; set; }

    /// <summary>Days until expiry; 0 for never.</summary>
    [BindProperty]
    public int ExpiresInDays { get; set; } = 90;

    public IReadOnlyList<ScopableProject> Scopable { get; private set; } = [];
    public string? Refusal { get; private set; }
    public CreatedToken? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Refusal is not null) return Page();
        var scopes = new List<string>();
        if (Scope != "user")
        {
            var allowed = Scopable.Select(p => p.NormalizedName).ToHashSet();
            scopes = Projects.Where(allowed.Contains).Distinct().ToList();
            if (!string.IsNullOrWhiteSpace(NewProject))
            {
                var name = NewProject.Trim();
                if (!ProjectName.IsValid(name))
                {
                    ModelState.AddModelError(nameof(NewProject), $"'{name}' is not a valid project name.");
                    return Page();
                }
                var normalized = ProjectName.Normalize(name);
                if (await list.ForeignProjectAsync(CurrentUser.Id, [normalized], ct) is not null)
                {
                    ModelState.AddModelError(nameof(NewProject), $"The project '{name}' already exists and you are not one of its collaborators.");
                    return Page();
                }
                if (!scopes.Contains(normalized)) scopes.Add(normalized);
            }
            if (scopes.Count == 0 || Projects.Any(p => !allowed.Contains(p)))
            {
                ModelState.AddModelError(nameof(Projects), "Choose one or more of your projects, or make the token valid for all of them.");
                return Page();
            }
        }
        if (ExpiresInDays != 0 && !ExpiryChoices.Contains(ExpiresInDays))
        {
            ModelState.AddModelError(nameof(ExpiresInDays), "Choose one of the offered expiry periods.");
            return Page();
        }
        DateTimeOffset? expires = ExpiresInDays == 0 ? null : time.GetUtcNow().AddDays(ExpiresInDays);
        var result = await creation.CreateAsync(CurrentUser, Name, scopes, expires, RequestActor, ct, HttpContext.CurrentSession()?.IsPhishingResistant == true);
        if (!result.TryGetValue(out var created, out var refusal))
        {
            ShowRefusal(refusal);
            return Page();
        }
        NoStore();
        Created = created;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var standing = AccountStanding.CanCreateTokens(CurrentUser);
        Refusal = standing.Allowed ? null : standing.Message;
        Scopable = await list.ProjectsOfAsync(CurrentUser.Id, ct);
    }
}
