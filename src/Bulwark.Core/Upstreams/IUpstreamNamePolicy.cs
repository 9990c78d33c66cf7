namespace Bulwark.Core.Upstreams;

/// <summary>Why a name is, or is not, resolved on an upstream.</summary>
public enum UpstreamNameVerdict
{
    /// <summary>No local claim and no rule against it: the upstream may serve it.</summary>
    Proxied,
    /// <summary>A local project has the name: only its local files are ever listed.</summary>
    Local,
    /// <summary>The name is reserved or prohibited here; it is served by no one.</summary>
    Reserved,
    /// <summary>An operator's <c>Block</c> or <c>AllowOnly</c> rule keeps it off every upstream.</summary>
    Blocked,
}

/// <summary>The decision for one name, with the rule that made it (for logs and the audit record).</summary>
public sealed record UpstreamNameDecision(UpstreamNameVerdict Verdict, string Reason)
{
    public bool MayProxy => Verdict == UpstreamNameVerdict.Proxied;
}

/// <summary>
/// The dependency-confusion guard: decides whether a normalized project name may ever be resolved upstream.
/// Every path that would put upstream bytes in front of an installer (the page and each file) asks it first.
/// Implementations must fail closed: when in doubt (a database error), the name is not proxied.
/// </summary>
/// <remarks>
/// The default (<see cref="UpstreamNamePolicy"/>) consults local projects, the prohibited-names table and the
/// operator's patterns. Further sources of claimed names (a reserved-names list, organisation prefixes) join
/// by decorating or replacing this interface in DI; nothing else in the proxy needs to change.
/// </remarks>
public interface IUpstreamNamePolicy
{
    /// <param name="normalizedName">A PEP 503 normalized name.</param>
    /// <param name="upstream">The upstream about to be asked, for its own Block/AllowOnly rules.</param>
    Task<UpstreamNameDecision> DecideAsync(string normalizedName, UpstreamOptions upstream, CancellationToken ct);
}
