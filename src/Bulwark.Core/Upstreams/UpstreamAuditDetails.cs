using Bulwark.Core.Audit;

namespace Bulwark.Core.Upstreams;

/// <summary>Details of <see cref="AuditEventType.UpstreamFileRefused"/>: what was asked for and what arrived.</summary>
public sealed record UpstreamFileRefusedDetails(string Project, string Filename, string Url, string ExpectedSha256, string ReceivedSha256, long ReceivedSize) : IAuditDetails;

/// <summary>Details of <see cref="AuditEventType.UpstreamNameMadeLocal"/>: the name and the upstream that had been serving it.</summary>
public sealed record UpstreamNameMadeLocalDetails(string Project, string Upstream, DateTimeOffset LastCheckedAt) : IAuditDetails;

/// <summary>Details of <see cref="AuditEventType.UpstreamVersionsBlocked"/>: the feed records imported and how many rules they gave.</summary>
public sealed record UpstreamVersionsBlockedDetails(string File, int Records, int Rules, IReadOnlyList<string> Projects) : IAuditDetails;
