using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Moderation;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Projects;

/// <summary>
/// The owners' PEP 792 statuses: <c>archived</c> (installable, no more uploads) and <c>deprecated</c> (installable,
/// with an optional reason shown to installers), and back to active. A quarantined project's status belongs to the
/// administrators: its owners cannot change it. Journaled, so the simple pages show the new marker at once.
/// </summary>
public sealed class ProjectStatusChange(BulwarkDbContext db, IndexWriter index, AuditLog audit, IOptions<ModerationOptions> options)
{
    public const int MaxReasonLength = 500;

    /// <param name="status">Active, Archived or Deprecated.</param>
    /// <param name="reason">Only for Deprecated; ignored otherwise.</param>
    public async Task<Outcome<ProjectLifecycle>> SetAsync(Project project, ProjectLifecycle status, string? reason, Actor actor, CancellationToken ct = default)
    {
        if (status == ProjectLifecycle.Quarantined) throw new ArgumentOutOfRangeException(nameof(status), "Quarantine is an administrator's action (ProjectQuarantine).");
        if (project.Lifecycle == ProjectLifecycle.Quarantined)
        {
            return Refusal.Forbidden($"Project '{project.Name}' is quarantined; its owners cannot change it until the review is over. Contact {options.Value.ContactText}.");
        }
        var text = status == ProjectLifecycle.Deprecated && !string.IsNullOrWhiteSpace(reason) ? reason.Trim() : null;
        if (text is { Length: > MaxReasonLength }) return Refusal.Invalid($"The reason is longer than {MaxReasonLength} characters.", "reason");
        if (project.Lifecycle == status && project.StatusReason == text) return Refusal.Conflict($"Project '{project.Name}' is already {Marker(status)}.");

        await using var tx = await index.BeginAsync(ct);
        project.Lifecycle = status;
        project.StatusReason = text;
        await index.AppendAsync(project, "set status " + Marker(status), userId: actor.UserId, ct: ct);
        audit.Record(AuditEventType.ProjectStatusChanged, actor, actor.UserId, project.Id, new ProjectStatusDetails(project.Name, Marker(status), text));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return status;
    }

    /// <summary>The status as PEP 792 spells it.</summary>
    public static string Marker(ProjectLifecycle status) => status switch
    {
        ProjectLifecycle.Archived => "archived",
        ProjectLifecycle.Deprecated => "deprecated",
        ProjectLifecycle.Quarantined => "quarantined",
        _ => "active",
    };
}

/// <summary>Audit details of a status change by the owners.</summary>
public sealed record ProjectStatusDetails(string Project, string Status, string? Reason) : IAuditDetails;
