using Bulwark.Auth;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Policies;
using Bulwark.Core.Projects;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Pages.Manage.Project;

/// <summary>
/// Project security settings: the "phishing-resistant only" policy. Owners switch it; maintainers see it.
/// </summary>
public sealed class SettingsModel(ProjectAccess access, BulwarkDbContext db, TwoFactorStatusQuery factors, MandateEnforcement mandates, AuditLog audit,
    ProjectStatusChange statuses)
    : ManagePageModel(access)
{
    /// <summary>On by the owners' choice.</summary>
    public bool OwnersChosePhishingResistant { get; private set; }
    /// <summary>On because the operator made it the default for critical projects.</summary>
    public bool ImposedForCritical { get; private set; }
    public bool IsCritical { get; private set; }
    public bool UserHasSecurityKey { get; private set; }

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        await DescribeAsync(ct);
        return Page();
    }

    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostPhishingResistantAsync(string name, bool enable, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Membership.IsOwner) return Forbid();
        if (enable && !(await factors.GetAsync(CurrentUser.Id, ct)).HasPhishingResistantFactor)
        {
            // Switching it on without a key of one's own would lock the owner out of managing the project.
            Flash("Add a security key or passkey to your account first: once this is on, managing the project needs one.", error: true);
            return RedirectToPage();
        }
        var project = await db.Projects.FirstAsync(p => p.Id == Project.Id, ct);
        if (project.RequirePhishingResistant != enable)
        {
            project.RequirePhishingResistant = enable;
            audit.Record(AuditEventType.PhishingResistantOnlyChanged, RequestActor, CurrentUser.Id, project.Id,
                new PhishingResistantOnlyDetails(project.Name, enable));
            await db.SaveChangesAsync(ct);
        }
        Flash(enable
            ? "Phishing-resistant only is on: managing this project, creating tokens for it and uploading need a security key or passkey."
            : "Phishing-resistant only is off.");
        return RedirectToPage();
    }

    /// <summary>Archive, deprecate (with an optional reason) or make active again: owners only (PEP 792 markers).</summary>
    [RequireRecentAuthentication]
    public async Task<IActionResult> OnPostStatusAsync(string name, string? status, string? reason, string? confirm, CancellationToken ct)
    {
        if (await LoadAsync(name, ct) is { } refused) return refused;
        if (!Membership.IsOwner) return Forbid();
        Bulwark.Core.Packaging.ProjectLifecycle? target = status switch
        {
            "archived" => Bulwark.Core.Packaging.ProjectLifecycle.Archived,
            "deprecated" => Bulwark.Core.Packaging.ProjectLifecycle.Deprecated,
            "active" => Bulwark.Core.Packaging.ProjectLifecycle.Active,
            _ => null,
        };
        if (target is not { } chosen)
        {
            Flash("Choose archived, deprecated or active.", error: true);
            return RedirectToPage();
        }
        if (!Confirmed(confirm)) return RedirectToPage();
        var outcome = await statuses.SetAsync(Project, chosen, reason, RequestActor, ct);
        Flash(outcome.Succeeded ? $"{Project.Name} is now {ProjectStatusChange.Marker(chosen)}." : outcome.Refusal.Message, error: !outcome.Succeeded);
        return RedirectToPage();
    }

    private async Task DescribeAsync(CancellationToken ct)
    {
        var described = mandates.Describe(Project);
        OwnersChosePhishingResistant = Project.RequirePhishingResistant;
        IsCritical = described.Critical.IsCritical;
        ImposedForCritical = IsCritical && mandates.Options.PhishingResistantForCritical;
        UserHasSecurityKey = (await factors.GetAsync(CurrentUser.Id, ct)).HasPhishingResistantFactor;
    }
}

/// <summary>An owner switched a project's "phishing-resistant only" policy (<see cref="AuditEventType.PhishingResistantOnlyChanged"/>).</summary>
public sealed record PhishingResistantOnlyDetails(string Project, bool Enabled) : IAuditDetails;
