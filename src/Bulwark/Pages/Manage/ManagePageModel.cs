using Bulwark.Auth;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Policies;
using Bulwark.Core.Projects;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages.Manage;

/// <summary>A management page of one project: loads the signed-in user's membership, refuses non-members.</summary>
public abstract class ManagePageModel(ProjectAccess access) : BulwarkPageModel
{
    public ProjectMembership Membership { get; private set; } = null!;

    public Bulwark.Core.Packaging.Project Project => Membership.Project;

    /// <summary>Grace-period warnings of the mandates, shown as a banner on the page.</summary>
    public IReadOnlyList<string> MandateWarnings { get; private set; } = [];

    /// <summary>
    /// Null when the page may go on; otherwise the answer (404 unknown project, 403 not a collaborator, 403 with
    /// the rule's message when a two-factor mandate refuses managing this project). The mandate is checked on
    /// every page of the project, reading as well as posting: the management pages show who holds the project
    /// and lead to every destructive action, and a phished session should reach none of it.
    /// </summary>
    protected async Task<IActionResult?> LoadAsync(string name, CancellationToken ct)
    {
        var membership = await access.FindAsync(name, CurrentUser.Id, ct);
        if (membership is null) return NotFound();
        if (!membership.IsMember) return Forbid();
        if (membership.Project.Lifecycle == Bulwark.Core.Packaging.ProjectLifecycle.Quarantined)
        {
            // A quarantined project belongs to the administrators until the review is over: a stolen owner
            // session must not be able to undo, delete evidence or hand the project on in the meantime.
            var contact = HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Bulwark.Core.Moderation.ModerationOptions>>().Value.ContactText;
            return PageRefusal.Result($"{membership.Project.Name} is quarantined",
                $"The project is quarantined while the index administrators review a report of malware. It cannot be managed until the review is over. Contact {contact}.");
        }
        Membership = membership;
        var mandates = HttpContext.RequestServices.GetRequiredService<MandateEnforcement>();
        var decision = await mandates.CheckProjectAsync(MandateAction.ManageProject, CurrentUser, HttpContext.CurrentSession()?.IsPhishingResistant == true, membership.Project, ct);
        if (!decision.Allowed)
        {
            await mandates.RecordRefusalAsync(decision, MandateAction.ManageProject, CurrentUser, RequestActor, membership.Project, ct);
            return MandateRefusal.Result(decision, mandates.SecurityPage);
        }
        MandateWarnings = decision.Warnings;
        ViewData["MandateWarnings"] = decision.Warnings;
        return null;
    }

    /// <summary>The typed project name of a destructive form; adds the error when it does not match.</summary>
    protected bool Confirmed(string? typed)
    {
        if (ProjectAccess.ConfirmsName(typed, Project)) return true;
        Flash($"Type the project name “{Project.Name}” to confirm.", error: true);
        return false;
    }

    /// <summary>Flashes the outcome and goes back to the page (post/redirect/get).</summary>
    protected IActionResult Outcome(Outcome<string> result, string? redirectTo = null)
    {
        if (result.Refusal?.Kind == RefusalKind.Forbidden) return Forbid();
        Flash(result);
        return redirectTo is null ? RedirectToPage() : LocalRedirect(redirectTo);
    }
}
