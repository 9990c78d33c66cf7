using Bulwark.Auth;
using Bulwark.Core.Policies;
using Bulwark.Core.TrustedPublishing;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Manage;

/// <summary>
/// The signed-in user's pending publishers: a publisher for a project name that does not exist yet, whose first
/// upload creates the project with this user as owner. Adding one is held to the account-wide two-factor rules.
/// </summary>
public sealed class PublishingModel(PublisherManagement publishers, OidcIssuers issuers, MandateEnforcement mandates) : BulwarkPageModel
{
    public IReadOnlyList<PendingRow> Pending { get; private set; } = [];
    public IReadOnlyCollection<OidcIssuer> Issuers => issuers.All;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Pending = await publishers.PendingForUserAsync(CurrentUser.Id, ct);
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostAddAsync(string? projectName, PublisherForm form, CancellationToken ct)
    {
        var decision = await mandates.CheckPendingPublisherAsync(CurrentUser, HttpContext.CurrentSession()?.IsPhishingResistant == true, ct);
        if (!decision.Allowed)
        {
            await mandates.RecordRefusalAsync(decision, MandateAction.ApproveTrustedPublisher, CurrentUser, RequestActor, null, ct);
            return MandateRefusal.Result(decision, mandates.SecurityPage);
        }
        var (spec, error) = PublisherSpec.Parse(form.ToInput(), issuers);
        if (spec is null || string.IsNullOrWhiteSpace(projectName))
        {
            Flash(error ?? "Give the name of the project the publisher will create.", error: true);
            return RedirectToPage();
        }
        var result = await publishers.AddPendingAsync(projectName, spec, CurrentUser, RequestActor, ct);
        Flash(result);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(long id, CancellationToken ct)
    {
        var result = await publishers.RemovePendingAsync(id, CurrentUser.Id, RequestActor, ct);
        Flash(result);
        return RedirectToPage();
    }
}
