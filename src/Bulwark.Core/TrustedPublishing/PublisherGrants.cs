using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>What an upload through a Trusted Publishing token may do: upload to the publisher's projects as they are now.</summary>
public sealed record PublisherGrant(long PublisherId, string Description, IReadOnlySet<long> ProjectIds);

/// <summary>
/// Looks up, at upload time, whether the uploading account is a publisher's own account and which projects trust
/// that publisher now. Read on every such upload rather than trusted from the token's scope alone, so removing a
/// publisher stops its live tokens for that project at once.
/// </summary>
public sealed class PublisherGrants(BulwarkDbContext db)
{
    public async Task<PublisherGrant?> ForAccountAsync(long userId, CancellationToken ct = default)
    {
        var publisher = await db.TrustedPublishers.AsNoTracking().FirstOrDefaultAsync(p => p.IdentityUserId == userId, ct);
        if (publisher is null) return null;
        var projects = await db.ProjectPublishers.AsNoTracking().Where(l => l.PublisherId == publisher.Id).Select(l => l.ProjectId).ToListAsync(ct);
        return new PublisherGrant(publisher.Id, publisher.ToSpec().Describe(), projects.ToHashSet());
    }

    /// <summary>Whether <paramref name="userId"/> is a publisher's account (they take no operator-minted tokens).</summary>
    public Task<bool> IsPublisherAccountAsync(long userId, CancellationToken ct = default) =>
        db.TrustedPublishers.AnyAsync(p => p.IdentityUserId == userId, ct);
}
