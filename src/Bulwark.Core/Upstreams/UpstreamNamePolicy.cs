using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// The default guard. A name is never resolved upstream when any of these holds, checked in this order:
/// <list type="number">
/// <item>a local project has it (whatever its state, quarantined included): a private name must never be
/// answered by the public index, whatever version the public index claims — that is dependency confusion;</item>
/// <item>it is in the prohibited-names table (removed malware, reserved names): nobody may serve it;</item>
/// <item>it matches one of the upstream's <c>Block</c> patterns, or <c>AllowOnly</c> is set and it matches none:
/// an operator can claim a whole prefix (<c>acme-*</c>) before any project with it exists locally.</item>
/// </list>
/// </summary>
public sealed class UpstreamNamePolicy(BulwarkDbContext db) : IUpstreamNamePolicy
{
    public async Task<UpstreamNameDecision> DecideAsync(string normalizedName, UpstreamOptions upstream, CancellationToken ct)
    {
        if (await db.Projects.AsNoTracking().AnyAsync(p => p.NormalizedName == normalizedName, ct))
        {
            return new(UpstreamNameVerdict.Local, "a local project has this name");
        }
        if (await db.ProhibitedProjectNames.AsNoTracking().AnyAsync(p => p.NormalizedName == normalizedName, ct))
        {
            return new(UpstreamNameVerdict.Reserved, "the name is prohibited");
        }
        return DecideByRules(normalizedName, upstream);
    }

    /// <summary>The operator's rules alone (no database): Block first, then AllowOnly.</summary>
    public static UpstreamNameDecision DecideByRules(string normalizedName, UpstreamOptions upstream)
    {
        foreach (var pattern in upstream.Block)
        {
            if (UpstreamNamePattern.Matches(pattern, normalizedName)) return new(UpstreamNameVerdict.Blocked, $"blocked by pattern '{pattern}'");
        }
        if (upstream.AllowOnly.Count > 0 && !upstream.AllowOnly.Any(p => UpstreamNamePattern.Matches(p, normalizedName)))
        {
            return new(UpstreamNameVerdict.Blocked, "not in the allow-only list");
        }
        return new(UpstreamNameVerdict.Proxied, "no local claim or rule");
    }
}
