using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using System.Text.Json;

namespace Bulwark.Core.Projects;

/// <summary>
/// Creates a project with its first owner: the row, the owner's role, the journal's "create" entry and the audit
/// events. Call inside the transaction of the change that needs the project; the name must have passed
/// <see cref="Uploads.ProjectNamePolicy"/> already.
/// </summary>
public sealed class ProjectCreation(BulwarkDbContext db, IndexWriter index, AuditLog audit, TimeProvider time, Upstreams.UpstreamHandover upstreams,
    Moderation.Typosquats.TyposquatHold? holds = null)
{
    public async Task<Project> CreateAsync(string name, User owner, Actor actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var project = new Project
        {
            Name = name,
            NormalizedName = ProjectName.Normalize(name),
            UltranormalizedName = ProjectName.Ultranormalize(name),
            CreatedAt = now,
        };
        db.Projects.Add(project);
        await db.SaveChangesAsync(ct);
        db.ProjectRoles.Add(new ProjectRole { ProjectId = project.Id, UserId = owner.Id, Role = ProjectRoleKind.Owner, CreatedAt = now });
        await index.AppendAsync(project, "create", userId: owner.Id, ct: ct);
        audit.Record(AuditEventType.ProjectCreated, actor, owner.Id, project.Id, new ProjectCreatedDetails(project.Name));
        audit.Record(AuditEventType.RoleAdded, actor, owner.Id, project.Id, new RoleAuditDetails(owner.Username, "Owner"));
        // A name that was being proxied becomes local here, and the audit log says so.
        await upstreams.RecordAsync(project.NormalizedName, project.Id, actor, ct);
        // A name the typosquat check holds is created quarantined with a report (a blocked one never gets here).
        if (holds is not null) await holds.ApplyAsync(project, ct);
        return project;
    }
}
