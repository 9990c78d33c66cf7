using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Email;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Moderation;

/// <summary>
/// Quarantine of a whole project or of chosen releases (PEP 792), and its lifting. A quarantined project is
/// listed nowhere, its simple page says <c>quarantined</c> with no files, its JSON API and files are 404 (except
/// to its maintainers and administrators), uploads are refused and owners cannot manage it. A quarantined release
/// is simply absent; the rest of the project is untouched. Every change is journaled in the transaction that
/// makes it, so cached pages change before the call returns, and audited; maintainers are e-mailed after the
/// commit.
/// </summary>
public sealed class ProjectQuarantine(
    BulwarkDbContext db, ModerationTargets targets, IndexWriter index, AuditLog audit, IEmailSender mail, IOptions<ModerationOptions> options)
{
    public const int MaxReasonLength = 500;

    /// <summary>Quarantines <paramref name="versions"/> of the project, or the whole project when none are named.</summary>
    /// <param name="rule">The automatic rule that decided it; null for an administrator's decision.</param>
    /// <param name="notifyMaintainers">False when the caller sends the maintainers a message of its own that covers the quarantine.</param>
    public async Task<Outcome<ModerationTarget>> QuarantineAsync(string name, IReadOnlyCollection<string> versions, string? reason, Actor actor,
        string? rule = null, bool notifyMaintainers = true, CancellationToken ct = default)
    {
        if (CheckReason(reason) is { } bad) return bad;
        if (!(await targets.FindAsync(name, versions, ct)).TryGetValue(out var target, out var refusal)) return refusal;
        var project = target.Project;
        var why = reason!.Trim();

        await using var tx = await index.BeginAsync(ct);
        if (target.WholeProject)
        {
            if (project.Lifecycle == ProjectLifecycle.Quarantined) return Refusal.Conflict($"Project '{project.Name}' is already quarantined.");
            project.LifecycleBeforeQuarantine = project.Lifecycle;
            project.Lifecycle = ProjectLifecycle.Quarantined;
            await index.AppendAsync(project, "quarantine project", userId: actor.UserId, ct: ct);
            audit.Record(AuditEventType.ProjectQuarantined, actor, null, project.Id, new QuarantineDetails(project.Name, null, why, rule));
        }
        else
        {
            var already = target.Releases.Where(r => r.Lifecycle == ReleaseLifecycle.Quarantined).Select(r => r.Version).ToList();
            if (already.Count > 0) return Refusal.Conflict($"Already quarantined: {project.Name} {string.Join(", ", already)}.");
            foreach (var release in target.Releases)
            {
                release.Lifecycle = ReleaseLifecycle.Quarantined;
                await index.AppendAsync(project, "quarantine release", release.Version, userId: actor.UserId, ct: ct);
            }
            audit.Record(AuditEventType.ReleasesQuarantined, actor, null, project.Id, new QuarantineDetails(project.Name, target.Versions, why, rule));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        foreach (var (username, email) in notifyMaintainers ? await targets.MaintainersAsync(project.Id, ct) : [])
        {
            await mail.SendAsync(ModerationEmails.Quarantined(email, username, project.Name, target.Versions, why, rule is not null, options.Value.ContactText), ct);
        }
        return target;
    }

    /// <summary>Lifts the quarantine of the named releases, or of the project when none are named.</summary>
    public async Task<Outcome<ModerationTarget>> UnquarantineAsync(string name, IReadOnlyCollection<string> versions, Actor actor, CancellationToken ct = default)
    {
        if (!(await targets.FindAsync(name, versions, ct)).TryGetValue(out var target, out var refusal)) return refusal;
        var project = target.Project;

        await using var tx = await index.BeginAsync(ct);
        if (target.WholeProject)
        {
            if (project.Lifecycle != ProjectLifecycle.Quarantined) return Refusal.Conflict($"Project '{project.Name}' is not quarantined.");
            // Back to what the owners had chosen (an archived project stays archived).
            project.Lifecycle = project.LifecycleBeforeQuarantine ?? ProjectLifecycle.Active;
            project.LifecycleBeforeQuarantine = null;
            await index.AppendAsync(project, "unquarantine project", userId: actor.UserId, ct: ct);
            audit.Record(AuditEventType.ProjectUnquarantined, actor, null, project.Id, new QuarantineDetails(project.Name, null, null, null));
        }
        else
        {
            var active = target.Releases.Where(r => r.Lifecycle != ReleaseLifecycle.Quarantined).Select(r => r.Version).ToList();
            if (active.Count > 0) return Refusal.Conflict($"Not quarantined: {project.Name} {string.Join(", ", active)}.");
            foreach (var release in target.Releases)
            {
                release.Lifecycle = ReleaseLifecycle.Active;
                await index.AppendAsync(project, "unquarantine release", release.Version, userId: actor.UserId, ct: ct);
            }
            audit.Record(AuditEventType.ReleasesUnquarantined, actor, null, project.Id, new QuarantineDetails(project.Name, target.Versions, null, null));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        foreach (var (username, email) in await targets.MaintainersAsync(project.Id, ct))
        {
            await mail.SendAsync(ModerationEmails.QuarantineLifted(email, username, project.Name, target.Versions), ct);
        }
        return target;
    }

    /// <summary>A reason is required: it is what the maintainers are told and what the audit log keeps.</summary>
    internal static Refusal? CheckReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) return Refusal.Invalid("A reason is required.", "reason");
        if (reason.Trim().Length > MaxReasonLength) return Refusal.Invalid($"The reason is longer than {MaxReasonLength} characters.", "reason");
        return null;
    }
}

/// <summary>Audit details of a quarantine or its lifting: the versions (null for the whole project), why, and the automatic rule if any.</summary>
public sealed record QuarantineDetails(string Project, IReadOnlyList<string>? Versions, string? Reason, string? Rule) : IAuditDetails;
