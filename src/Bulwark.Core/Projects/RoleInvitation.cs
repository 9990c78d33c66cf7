using Bulwark.Core.Accounts;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Projects;

/// <summary>
/// An owner's offer of a role on a project to another user. Nobody gains rights on a project without
/// accepting, so a collaborator cannot be added silently (and a typo'd username gains nothing).
/// </summary>
public sealed class RoleInvitation
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public Project Project { get; set; } = null!;
    public long InviteeId { get; set; }
    public User Invitee { get; set; } = null!;
    public ProjectRoleKind Role { get; set; }
    public long? InviterId { get; set; }
    public User? Inviter { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
