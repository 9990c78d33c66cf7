using Bulwark.Auth;
using Bulwark.Core.Policies;
using Bulwark.Core.Projects;
using Bulwark.Core.TrustedPublishing;
using Bulwark.Endpoints.Oidc;
using Bulwark.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Bulwark.Pages.Manage.Project;

/// <summary>
/// The project's trusted publishers and the tokens they minted. Everyone with a role sees them; owners add and
/// remove publishers, which is a management action under the two-factor mandates (on a phishing-resistant-only
/// project, a security-key session): a publisher is a way to upload without any of the owners' credentials.
/// </summary>
public sealed class PublishingModel(ProjectAccess access, PublisherManagement publishers, OidcIssuers issuers, MandateEnforcement mandates,
    IOptions<TrustedPublishingOptions> options, PublicUrl publicUrl, TimeProvider time) : ManagePageModel(access)
{
    public IReadOnlyList<PublisherRow> Publishers { get; private set; } = [];
    public IReadOnlyList<MintedTokenRow> Tokens { get; private set; } = [];
    public IReadOnlyCollection<OidcIssuer> Issuers => issuers.All;
    public bool Enabled => options.Value.Enabled;
    public string Audience => OidcEndpoints.AudienceOf(options.Value, publicUrl);
    public string UploadUrl => publicUrl.Value + "/legacy/";
    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        Publishers = await publishers.ForProjectAsync(Project.Id, ct);
        Tokens = await publishers.RecentTokensAsync(Project, ct: ct);
        Now = time.GetUtcNow();
        return Page();
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostAddAsync(string name, PublisherForm form, CancellationToken ct)
    {
        if (await LoadForChangeAsync(name, ct) is { } refused) return refused;
        var (spec, error) = PublisherSpec.Parse(form.ToInput(), issuers);
        if (spec is null)
        {
            Flash(error!, error: true);
            return RedirectToPage();
        }
        return Outcome(await publishers.AddAsync(Project, spec, CurrentUser, RequestActor, ct));
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostRemoveAsync(string name, long publisherId, string? confirm, CancellationToken ct)
    {
        if (await LoadForChangeAsync(name, ct) is { } refused) return refused;
        if (!Confirmed(confirm)) return RedirectToPage();
        return Outcome(await publishers.RemoveAsync(Project, publisherId, CurrentUser, RequestActor, ct));
    }

    /// <summary>Owners only, and the mandate for approving a publisher (recorded under that action when it refuses).</summary>
    private async Task<IActionResult?> LoadForChangeAsync(string name, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Membership.IsOwner) return Forbid();
        var decision = await mandates.CheckProjectAsync(MandateAction.ApproveTrustedPublisher, CurrentUser, HttpContext.CurrentSession()?.IsPhishingResistant == true, Project, ct);
        if (decision.Allowed) return null;
        await mandates.RecordRefusalAsync(decision, MandateAction.ApproveTrustedPublisher, CurrentUser, RequestActor, Project, ct);
        return MandateRefusal.Result(decision, mandates.SecurityPage);
    }

    public string Status(MintedTokenRow t) =>
        t.RevokedAt is not null ? "revoked" : t.ExpiresAt is { } e && e <= Now ? "expired" : "active";
}
