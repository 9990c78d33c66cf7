using System.Text.Json.Serialization;
using Bulwark.Core.Audit;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>A trusted or pending publisher was added or removed: the project, the publisher, and why.</summary>
public sealed record PublisherAuditDetails(
    string Project,
    string? Publisher,
    [property: JsonPropertyName("publisherId")] long PublisherId,
    [property: JsonPropertyName("fromPending")] bool? FromPending = null,
    string? Reason = null) : IAuditDetails;

/// <summary>A Trusted Publishing token was minted (<see cref="AuditEventType.TrustedPublisherTokenMinted"/>): the publisher and the CI run's claims.</summary>
public sealed record TokenMintedDetails(
    string Publisher,
    [property: JsonPropertyName("publisherId")] long PublisherId,
    string Subject,
    string? Repository,
    string? Workflow,
    string? Ref,
    string? Sha,
    [property: JsonPropertyName("runId")] string? RunId,
    string? Environment,
    DateTimeOffset? Expires) : IAuditDetails;
