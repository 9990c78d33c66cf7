using System.Text.Json.Serialization;
using Bulwark.Core.Audit;

namespace Bulwark.Core.Projects;

// The details of project, release, file and role events, recorded by project creation, uploads, removals and
// collaborator management. Keys keep the names they have always been stored under.

/// <summary>A project was created (<see cref="AuditEventType.ProjectCreated"/>).</summary>
public sealed record ProjectCreatedDetails(string Name) : IAuditDetails;

/// <summary>A role was granted or removed (<see cref="AuditEventType.RoleAdded"/>, <see cref="AuditEventType.RoleRemoved"/>).</summary>
public sealed record RoleAuditDetails(
    string User,
    string Role,
    [property: JsonPropertyName("invitedBy")] string? InvitedBy = null,
    [property: JsonPropertyName("removedBy")] string? RemovedBy = null) : IAuditDetails;

/// <summary>A role invitation was sent, declined or withdrawn.</summary>
public sealed record InvitationAuditDetails(string? Invitee, string? Role) : IAuditDetails;

/// <summary>A release was created, yanked (with the reason) or unyanked.</summary>
public sealed record ReleaseAuditDetails(string Version, string? Reason = null) : IAuditDetails;

/// <summary>A release was removed with its files (<see cref="AuditEventType.ReleaseRemoved"/>).</summary>
public sealed record ReleaseRemovedDetails(string Version, IReadOnlyList<string> Files) : IAuditDetails;

/// <summary>A distribution file was added or removed (<see cref="AuditEventType.FileAdded"/>, <see cref="AuditEventType.FileRemoved"/>).</summary>
public sealed record FileAuditDetails(string Filename, string Version, string Sha256) : IAuditDetails;
