using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Audit;

public sealed record SecurityHistoryPage(IReadOnlyList<AuditEvent> Events, int Page, int PageSize, bool HasMore);

/// <summary>An account's audit events for its owner's security history page, newest first.</summary>
public sealed class SecurityHistory(BulwarkDbContext db)
{
    public const int MaxPageSize = 200;

    /// <param name="page">1-based.</param>
    public async Task<SecurityHistoryPage> GetAsync(long userId, int page = 1, int pageSize = 50, CancellationToken ct = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        // One extra row tells whether there is a next page without a COUNT over the whole history.
        var rows = await db.AuditEvents.AsNoTracking()
            .Where(e => e.UserId == userId)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize + 1)
            .ToListAsync(ct);
        var hasMore = rows.Count > pageSize;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        return new SecurityHistoryPage(rows, page, pageSize, hasMore);
    }
}
