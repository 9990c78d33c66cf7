using System.Text.Json.Serialization;
using Bulwark.Core.Audit;

namespace Bulwark.Core.Policies;

// The details of critical-project and two-factor mandate events. Keys keep the names they have always been
// stored under.

/// <summary>A name was put on the always-critical list (<see cref="AuditEventType.CriticalListAdded"/>).</summary>
public sealed record CriticalListAddedDetails(string Name, string? Reason) : IAuditDetails;

/// <summary>A project was taken out of the critical cohort (<see cref="AuditEventType.CriticalRemoved"/>).</summary>
public sealed record CriticalRemovedDetails(
    string Name,
    string? Reason,
    [property: JsonPropertyName("wasListed")] bool WasListed,
    [property: JsonPropertyName("criticalSince")] DateTimeOffset? CriticalSince,
    [property: JsonPropertyName("enforceAfter")] DateTimeOffset? EnforceAfter) : IAuditDetails;

/// <summary>A project entered the critical cohort (<see cref="AuditEventType.ProjectBecameCritical"/>).</summary>
public sealed record BecameCriticalDetails(
    string Reason,
    long Downloads,
    int? Rank,
    [property: JsonPropertyName("enforceAfter")] DateTimeOffset EnforceAfter,
    string? Context) : IAuditDetails;

/// <summary>A two-factor mandate refused an action (<see cref="AuditEventType.MandateRefused"/>).</summary>
public sealed record MandateRefusedDetails(string Rule, string Action, string? Project, string? Message) : IAuditDetails;
