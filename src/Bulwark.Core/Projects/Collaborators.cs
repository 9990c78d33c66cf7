using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;

namespace Bulwark.Core.Projects;

public sealed record CollaboratorRow(long UserId, string Username, ProjectRoleKind Role, DateTimeOffset Since);

public sealed record InvitationRow(long Id, string ProjectName, string NormalizedProjectName, string Invitee, ProjectRoleKind Role, string? InvitedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Who works on a project: owners invite users by name, invitees accept or decline, owners remove
/// collaborators, anyone may leave; a project always keeps at least one owner. Every change is audited
/// and e-mailed to the people it concerns and to the owners.
/// </summary>
public sealed class Collaborators(BulwarkDbContext db, UserService users, AuditLog audit, IEmailSender mail, AccountLinks links, TimeProvider time, IndexWriter index)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    public Task<List<CollaboratorRow>> ListAsync(long projectId, CancellationToken ct = default) =>
        db.ProjectRoles.AsNoTracking()
            .Where(r => r.ProjectId == projectId)
            .OrderBy(r => r.Role).ThenBy(r => r.User.NormalizedUsername)
            .Select(r => new CollaboratorRow(r.UserId, r.User.Username, r.Role, r.CreatedAt))
            .ToListAsync(ct);

    /// <summary>Open invitations of a project (expired ones are left out).</summary>
    public Task<List<InvitationRow>> PendingForProjectAsync(long projectId, CancellationToken ct = default) =>
        Pending(db.RoleInvitations.Where(i => i.ProjectId == projectId)).ToListAsync(ct);

    /// <summary>Open invitations addressed to a user, for their account page.</summary>
    public Task<List<InvitationRow>> PendingForUserAsync(long userId, CancellationToken ct = default) =>
        Pending(db.RoleInvitations.Where(i => i.InviteeId == userId)).ToListAsync(ct);

    private IQueryable<InvitationRow> Pending(IQueryable<RoleInvitation> invitations)
    {
        var now = time.GetUtcNow();
        return invitations.AsNoTracking()
            .Where(i => i.ExpiresAt > now)
            .OrderBy(i => i.CreatedAt)
            .Select(i => new InvitationRow(i.Id, i.Project.Name, i.Project.NormalizedName, i.Invitee.Username, i.Role,
                i.Inviter == null ? null : i.Inviter.Username, i.CreatedAt, i.ExpiresAt));
    }

    public async Task<Outcome<string>> InviteAsync(ProjectMembership by, User inviter, string username, ProjectRoleKind role, Actor actor, CancellationToken ct = default)
    {
        if (!by.CanManageCollaborators) return Refusal.Forbidden("Only owners can invite collaborators.");
        var project = by.Project;
        username = username.Trim();
        var invitee = username.Length == 0 ? null : await users.FindByUsernameAsync(username, ct);
        if (invitee is null) return Refusal.NotFound($"There is no user named '{username}'.");
        if (invitee.IsFrozen || invitee.IsAutomation) return Refusal.Conflict($"'{invitee.Username}' cannot be invited: the account cannot sign in to accept.");
        if (!invitee.EmailVerified)
        {
            return Refusal.Conflict($"'{invitee.Username}' has not verified their e-mail address yet; they can be invited once they have.");
        }
        var existing = await db.ProjectRoles.AsNoTracking().FirstOrDefaultAsync(r => r.ProjectId == project.Id && r.UserId == invitee.Id, ct);
        if (existing is not null) return Refusal.Conflict($"'{invitee.Username}' is already {existing.Role} of {project.Name}.");

        var now = time.GetUtcNow();
        var open = await db.RoleInvitations.FirstOrDefaultAsync(i => i.ProjectId == project.Id && i.InviteeId == invitee.Id, ct);
        if (open is not null && open.ExpiresAt > now)
        {
            return Refusal.Conflict($"'{invitee.Username}' already has an open invitation to {project.Name}.");
        }
        if (open is not null) db.RoleInvitations.Remove(open);
        db.RoleInvitations.Add(new RoleInvitation
        {
            ProjectId = project.Id,
            InviteeId = invitee.Id,
            Role = role,
            InviterId = inviter.Id,
            CreatedAt = now,
            ExpiresAt = now + InvitationLifetime,
        });
        audit.Record(AuditEventType.RoleInvited, actor with { UserId = inviter.Id }, inviter.Id, project.Id,
            new InvitationAuditDetails(invitee.Username, role.ToString()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent invitation of the same person won the unique index.
            return Refusal.Conflict($"'{invitee.Username}' already has an open invitation to {project.Name}.");
        }
        await mail.SendAsync(ProjectEmails.CollaboratorInvited(invitee.Email, invitee.Username, project.Name, role.ToString(), inviter.Username, links.Invitations()), ct);
        return Outcome.Ok($"Invited {invitee.Username} to be {role} of {project.Name}. They can accept on their account page.");
    }

    public async Task<Outcome<string>> AcceptAsync(long invitationId, User user, Actor actor, CancellationToken ct = default)
    {
        var invitation = await OpenInvitationAsync(invitationId, user, ct);
        if (invitation is null) return Refusal.NotFound("This invitation does not exist or has expired.");
        var project = invitation.Project;
        await using var tx = await index.BeginAsync(ct);
        await ProjectAccess.LockAsync(db, project.Id, ct);
        db.RoleInvitations.Remove(invitation);
        var already = await db.ProjectRoles.AnyAsync(r => r.ProjectId == project.Id && r.UserId == user.Id, ct);
        if (!already)
        {
            db.ProjectRoles.Add(new ProjectRole { ProjectId = project.Id, UserId = user.Id, Role = invitation.Role, CreatedAt = time.GetUtcNow() });
            // Roles are part of the JSON API (ownership); journaled like Warehouse does, so cached pages follow.
            await index.AppendAsync(project, $"add {invitation.Role} {user.Username}", userId: user.Id, ct: ct);
            audit.Record(AuditEventType.RoleAdded, actor with { UserId = user.Id }, user.Id, project.Id,
                new RoleAuditDetails(user.Username, invitation.Role.ToString(), InvitedBy: invitation.Inviter?.Username));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (!already)
        {
            foreach (var (email, name) in await RecipientsAsync(project.Id, user, ct))
            {
                await mail.SendAsync(ProjectEmails.CollaboratorAdded(email, name, project.Name, user.Username, invitation.Role.ToString(),
                    invitation.Inviter?.Username ?? "an owner"), ct);
            }
        }
        return Outcome.Ok($"You are now {invitation.Role} of {project.Name}.");
    }

    public async Task<Outcome<string>> DeclineAsync(long invitationId, User user, Actor actor, CancellationToken ct = default)
    {
        var invitation = await OpenInvitationAsync(invitationId, user, ct);
        if (invitation is null) return Refusal.NotFound("This invitation does not exist or has expired.");
        db.RoleInvitations.Remove(invitation);
        audit.Record(AuditEventType.RoleInvitationDeclined, actor with { UserId = user.Id }, user.Id, invitation.ProjectId,
            new InvitationAuditDetails(null, invitation.Role.ToString()));
        await db.SaveChangesAsync(ct);
        return Outcome.Ok($"Declined the invitation to {invitation.Project.Name}.");
    }

    public async Task<Outcome<string>> RevokeInvitationAsync(ProjectMembership by, User owner, long invitationId, Actor actor, CancellationToken ct = default)
    {
        if (!by.CanManageCollaborators) return Refusal.Forbidden("Only owners can withdraw invitations.");
        var invitation = await db.RoleInvitations.Include(i => i.Invitee)
            .FirstOrDefaultAsync(i => i.Id == invitationId && i.ProjectId == by.Project.Id, ct);
        if (invitation is null) return Refusal.NotFound("This invitation does not exist.");
        db.RoleInvitations.Remove(invitation);
        audit.Record(AuditEventType.RoleInvitationRevoked, actor with { UserId = owner.Id }, owner.Id, by.Project.Id,
            new InvitationAuditDetails(invitation.Invitee.Username, null));
        await db.SaveChangesAsync(ct);
        return Outcome.Ok($"Withdrew the invitation of {invitation.Invitee.Username}.");
    }

    /// <summary>An owner removes a collaborator (or themselves).</summary>
    public async Task<Outcome<string>> RemoveAsync(ProjectMembership by, User owner, string username, Actor actor, CancellationToken ct = default)
    {
        if (!by.CanManageCollaborators) return Refusal.Forbidden("Only owners can remove collaborators.");
        var target = await users.FindByUsernameAsync(username.Trim(), ct);
        if (target is null) return Refusal.NotFound($"'{username}' is not a collaborator of {by.Project.Name}.");
        return await RemoveRoleAsync(by.Project, target, owner, actor, ct);
    }

    /// <summary>A collaborator gives up their own role.</summary>
    public async Task<Outcome<string>> LeaveAsync(ProjectMembership by, User user, Actor actor, CancellationToken ct = default)
    {
        if (!by.IsMember) return Refusal.NotFound($"You are not a collaborator of {by.Project.Name}.");
        return await RemoveRoleAsync(by.Project, user, user, actor, ct);
    }

    private async Task<Outcome<string>> RemoveRoleAsync(Project project, User target, User actingUser, Actor actor, CancellationToken ct)
    {
        await using var tx = await index.BeginAsync(ct);
        await ProjectAccess.LockAsync(db, project.Id, ct);
        var role = await db.ProjectRoles.FirstOrDefaultAsync(r => r.ProjectId == project.Id && r.UserId == target.Id, ct);
        if (role is null) return Refusal.NotFound($"'{target.Username}' is not a collaborator of {project.Name}.");
        if (role.Role == ProjectRoleKind.Owner)
        {
            var owners = await db.ProjectRoles.CountAsync(r => r.ProjectId == project.Id && r.Role == ProjectRoleKind.Owner, ct);
            if (owners <= 1)
            {
                return Refusal.Conflict(target.Id == actingUser.Id
                    ? $"You are the last owner of {project.Name}, so you cannot leave it. Invite another owner first."
                    : $"'{target.Username}' is the last owner of {project.Name} and cannot be removed.");
            }
        }
        db.ProjectRoles.Remove(role);
        await index.AppendAsync(project, $"remove {role.Role} {target.Username}", userId: actingUser.Id, ct: ct);
        audit.Record(AuditEventType.RoleRemoved, actor with { UserId = actingUser.Id }, target.Id, project.Id,
            new RoleAuditDetails(target.Username, role.Role.ToString(), RemovedBy: actingUser.Username));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        var recipients = await RecipientsAsync(project.Id, null, ct);
        recipients.Insert(0, (target.Email, target.Username));
        foreach (var (email, name) in recipients.DistinctBy(r => r.Item2))
        {
            await mail.SendAsync(ProjectEmails.CollaboratorRemoved(email, name, project.Name, target.Username, actingUser.Username), ct);
        }
        return Outcome.Ok(target.Id == actingUser.Id
            ? $"You are no longer a collaborator of {project.Name}."
            : $"Removed {target.Username} from {project.Name}.");
    }

    /// <summary><paramref name="concerned"/> (if any) and every owner, once each.</summary>
    private async Task<List<(string, string)>> RecipientsAsync(long projectId, User? concerned, CancellationToken ct)
    {
        var owners = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.ProjectId == projectId && r.Role == ProjectRoleKind.Owner)
            .Select(r => new { r.User.Email, r.User.Username })
            .ToListAsync(ct);
        var list = new List<(string, string)>();
        if (concerned is not null) list.Add((concerned.Email, concerned.Username));
        list.AddRange(owners.Where(o => o.Username != concerned?.Username).Select(o => (o.Email, o.Username)));
        return list;
    }

    private Task<RoleInvitation?> OpenInvitationAsync(long id, User user, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return db.RoleInvitations.Include(i => i.Project).Include(i => i.Inviter)
            .FirstOrDefaultAsync(i => i.Id == id && i.InviteeId == user.Id && i.ExpiresAt > now, ct);
    }
}
