using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Projects;
using Bulwark.Core.Uploads;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// Turns pending publishers into projects when their first valid token arrives (PyPI's "creating a project through
/// OIDC"): the project is created with the user who registered the pending publisher as owner, the publisher is
/// linked to it, and every other pending publisher for that name is dropped. The project exists before any upload,
/// so a Trusted Publishing token never creates a project itself and never owns one.
/// </summary>
public sealed class PendingReification(BulwarkDbContext db, ProjectNamePolicy names, ProjectCreation projects, AuditLog audit)
{
    /// <summary>
    /// Drops pending publishers among <paramref name="publisherIds"/> whose name has been taken meanwhile, and
    /// commits that. Returns the names dropped (to explain an <c>invalid-pending-publisher</c> refusal).
    /// </summary>
    public async Task<IReadOnlyList<string>> DropStaleAsync(IReadOnlyCollection<long> publisherIds, Actor actor, CancellationToken ct)
    {
        var stale = await db.PendingPublishers
            .Where(p => publisherIds.Contains(p.PublisherId) && db.Projects.Any(x => x.NormalizedName == p.NormalizedName))
            .ToListAsync(ct);
        foreach (var pending in stale) Remove(pending, "the project name was taken before the publisher's first use", actor);
        if (stale.Count > 0) await db.SaveChangesAsync(ct);
        return stale.Select(p => p.ProjectName).Distinct().ToList();
    }

    /// <summary>
    /// Creates the projects of the pending publishers among <paramref name="publisherIds"/>. Call inside the mint's
    /// transaction. Returns a refusal when a pending publisher matched but its project could not be created.
    /// </summary>
    public async Task<Refusal?> ReifyAsync(IReadOnlyCollection<long> publisherIds, Actor actor, CancellationToken ct)
    {
        var pendings = await db.PendingPublishers.Include(p => p.AddedBy).Include(p => p.Publisher)
            .Where(p => publisherIds.Contains(p.PublisherId))
            .OrderBy(p => p.AddedAt).ThenBy(p => p.Id)
            .ToListAsync(ct);
        Refusal? failure = null;
        var created = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pending in pendings)
        {
            if (created.Contains(pending.NormalizedName)) continue;
            if (pending.AddedBy.IsFrozen)
            {
                failure = MintFailure.Of(MintFailure.InvalidPendingPublisher,
                    $"valid token, but the account that registered the pending publisher for '{pending.ProjectName}' is frozen; the project was not created");
                continue;
            }
            if (await names.CheckNewNameAsync(pending.ProjectName, ct) is { } refused)
            {
                failure = MintFailure.Of(MintFailure.InvalidPendingPublisher,
                    $"valid token, but the project '{pending.ProjectName}' of the pending publisher cannot be created: {refused.Message}");
                continue;
            }
            var owner = pending.AddedBy;
            var project = await projects.CreateAsync(pending.ProjectName, owner, actor, ct);
            db.ProjectPublishers.Add(new ProjectPublisher { ProjectId = project.Id, PublisherId = pending.PublisherId, AddedByUserId = owner.Id, AddedAt = pending.AddedAt });
            audit.Record(AuditEventType.TrustedPublisherAdded, actor, owner.Id, project.Id, new PublisherAuditDetails(project.Name, pending.Publisher.ToSpec().Describe(), pending.PublisherId, FromPending: true));
            var sameName = await db.PendingPublishers.Where(p => p.NormalizedName == pending.NormalizedName).ToListAsync(ct);
            foreach (var other in sameName)
            {
                Remove(other, other.Id == pending.Id ? "the publisher created the project" : "another pending publisher created the project first", actor);
            }
            await db.SaveChangesAsync(ct);
            created.Add(pending.NormalizedName);
        }
        return failure;
    }

    private void Remove(PendingPublisher pending, string reason, Actor actor)
    {
        db.PendingPublishers.Remove(pending);
        audit.Record(AuditEventType.PendingPublisherRemoved, actor, pending.AddedByUserId, details: new PublisherAuditDetails(pending.ProjectName, null, pending.PublisherId, Reason: reason));
    }
}
