using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;

namespace Bulwark.Core.Policies;

/// <summary>What adding a name to the always-critical list changed.</summary>
public enum CriticalAddOutcome
{
    /// <summary>Listed, and the existing project was marked critical now.</summary>
    ListedAndMarked,
    /// <summary>Listed; the project was critical already.</summary>
    Listed,
    /// <summary>Listed; no project has this name yet (the recompute marks it once one exists).</summary>
    ListedNotYetCreated,
    AlreadyListed,
}

/// <param name="Marked">The project that became critical, for <see cref="CriticalAddOutcome.ListedAndMarked"/>.</param>
public sealed record CriticalAddition(CriticalAddOutcome Outcome, MarkedProject? Marked);

/// <summary>One line of <see cref="CriticalProjectAdmin.ListAsync"/>.</summary>
public sealed record CriticalListing(string Name, bool Exists, DateTimeOffset? CriticalSince, DateTimeOffset? EnforceAfter, bool AlwaysCritical, DateOnly? RemovedOn);

/// <summary>
/// The admin's side of the cohort: the always-critical list and removals. Every change is audited
/// (admin range) and journaled when the JSON API's <c>info.critical</c> changes.
/// </summary>
public sealed class CriticalProjectAdmin(BulwarkDbContext db, CriticalMarks marks, IndexWriter index, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<CriticalAddition>> AddAsync(string name, string? reason, Actor actor, CancellationToken ct = default)
    {
        if (!ProjectName.IsValid(name)) return InvalidName(name);
        var normalized = ProjectName.Normalize(name);
        await using var tx = await index.BeginAsync(ct);
        await marks.LockAsync(ct);
        var entry = await db.CriticalOverrides.FirstOrDefaultAsync(o => o.NormalizedName == normalized, ct);
        var alreadyListed = entry is { Kind: CriticalOverrideKind.AlwaysCritical };
        var project = await db.Projects.AsNoTracking().Where(p => p.NormalizedName == normalized).Select(p => new { p.Id, p.CriticalSince }).FirstOrDefaultAsync(ct);
        if (!alreadyListed)
        {
            if (entry is null)
            {
                entry = new CriticalOverride { NormalizedName = normalized };
                db.CriticalOverrides.Add(entry);
            }
            // Listing a name also ends an earlier admin removal of it: the newer decision wins.
            entry.Kind = CriticalOverrideKind.AlwaysCritical;
            entry.CreatedAt = time.GetUtcNow();
            entry.CreatedByUserId = actor.UserId;
            entry.Reason = Trim(reason);
            audit.Record(AuditEventType.CriticalListAdded, actor, projectId: project?.Id,
                details: new CriticalListAddedDetails(normalized, entry.Reason));
        }
        MarkedProject? marked = null;
        if (project is { CriticalSince: null })
        {
            // Also when the name was listed before the project existed and no recompute has run since.
            var list = await marks.MarkAsync([new CohortMember(project.Id, 0, null, CriticalReason.AlwaysCriticalList)], actor, "always-critical list", ct);
            marked = list.SingleOrDefault();
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (marked is not null) await marks.NotifyPendingAsync(ct);
        var outcome = marked is not null ? CriticalAddOutcome.ListedAndMarked
            : alreadyListed ? CriticalAddOutcome.AlreadyListed
            : project is null ? CriticalAddOutcome.ListedNotYetCreated
            : CriticalAddOutcome.Listed;
        return new CriticalAddition(outcome, marked);
    }

    /// <summary>
    /// Takes a project out of the cohort: clears its mark, takes it off the always-critical list, and records
    /// the removal so the next recompute does not mark it again on the same downloads.
    /// </summary>
    public async Task<Outcome> RemoveAsync(string name, string? reason, Actor actor, CancellationToken ct = default)
    {
        if (!ProjectName.IsValid(name)) return InvalidName(name);
        var normalized = ProjectName.Normalize(name);
        await using var tx = await index.BeginAsync(ct);
        await marks.LockAsync(ct);
        var entry = await db.CriticalOverrides.FirstOrDefaultAsync(o => o.NormalizedName == normalized, ct);
        var project = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
        var listed = entry is { Kind: CriticalOverrideKind.AlwaysCritical };
        var wasMarked = project?.CriticalSince is not null;
        if (!listed && !wasMarked) return Refusal.NotFound($"{name} is neither critical nor on the always-critical list.");

        var now = time.GetUtcNow();
        audit.Record(AuditEventType.CriticalRemoved, actor, projectId: project?.Id, details: new CriticalRemovedDetails(normalized, Trim(reason), listed, project?.CriticalSince, project?.CriticalEnforceAfter));
        if (project is null)
        {
            db.CriticalOverrides.Remove(entry!);
        }
        else
        {
            if (entry is null)
            {
                entry = new CriticalOverride { NormalizedName = normalized };
                db.CriticalOverrides.Add(entry);
            }
            entry.Kind = CriticalOverrideKind.Removed;
            entry.CreatedAt = now;
            entry.CreatedByUserId = actor.UserId;
            entry.Reason = Trim(reason);
            if (wasMarked)
            {
                project.CriticalSince = null;
                project.CriticalEnforceAfter = null;
                project.CriticalNotifiedAt = null;
                await index.AppendAsync(project, CriticalMarks.UnmarkAction, userId: actor.UserId, ct: ct);
                // No longer critical, no longer protected as such: every instance rebuilds its protected set.
                await index.AppendForNameAsync(Moderation.Typosquats.ServerProtectedNames.ChangeMarker, Moderation.Typosquats.ServerProtectedNames.CriticalSetChanged, actor.UserId, ct);
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome.Ok();
    }

    private static Refusal InvalidName(string name) => Refusal.Invalid($"'{name}' is not a valid project name.", "name");

    /// <summary>Every critical project, every listed name, and removals still in force for <paramref name="window"/>; by name.</summary>
    public async Task<IReadOnlyList<CriticalListing>> ListAsync(DownloadWindow window, CancellationToken ct = default)
    {
        var critical = await db.Projects.AsNoTracking().Where(p => p.CriticalSince != null)
            .Select(p => new { p.Name, p.NormalizedName, p.CriticalSince, p.CriticalEnforceAfter }).ToListAsync(ct);
        var overrides = await db.CriticalOverrides.AsNoTracking().ToListAsync(ct);
        var names = overrides.Select(o => o.NormalizedName).ToList();
        var existing = (await db.Projects.AsNoTracking().Where(p => names.Contains(p.NormalizedName)).Select(p => new { p.Name, p.NormalizedName }).ToListAsync(ct))
            .ToDictionary(p => p.NormalizedName, p => p.Name);
        var byName = overrides.ToDictionary(o => o.NormalizedName);

        var rows = new Dictionary<string, CriticalListing>();
        foreach (var p in critical)
        {
            byName.TryGetValue(p.NormalizedName, out var o);
            rows[p.NormalizedName] = new CriticalListing(p.Name, true, p.CriticalSince, p.CriticalEnforceAfter, o?.Kind == CriticalOverrideKind.AlwaysCritical, null);
        }
        foreach (var o in overrides.Where(o => !rows.ContainsKey(o.NormalizedName)))
        {
            var removedOn = DateOnly.FromDateTime(o.CreatedAt.UtcDateTime);
            if (o.Kind == CriticalOverrideKind.Removed && !CriticalCohort.RemovalInForce(removedOn, window)) continue;
            rows[o.NormalizedName] = new CriticalListing(existing.GetValueOrDefault(o.NormalizedName, o.NormalizedName), existing.ContainsKey(o.NormalizedName),
                null, null, o.Kind == CriticalOverrideKind.AlwaysCritical, o.Kind == CriticalOverrideKind.Removed ? removedOn : null);
        }
        return rows.Values.OrderBy(r => ProjectName.Normalize(r.Name), StringComparer.Ordinal).ToList();
    }

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim() is { Length: > 500 } t ? t[..500] : s.Trim();
}
