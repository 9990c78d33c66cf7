using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Text.Json;

namespace Bulwark.Core.Policies;

/// <summary>A project that was marked critical by this run or command.</summary>
public sealed record MarkedProject(long ProjectId, string Name, CriticalReason Reason, long Downloads, int? Rank, DateTimeOffset EnforceAfter);

/// <summary>
/// Writes critical marks: the project columns, a journal entry (so the JSON API's <c>info.critical</c> changes
/// at once) and an audit event, in the caller's transaction; and tells maintainers afterwards.
/// Shared by the recompute and the admin verbs so both mark a project the same way.
/// </summary>
public sealed class CriticalMarks(
    BulwarkDbContext db,
    IndexWriter index,
    AuditLog audit,
    ICriticalProjectNotifier notifier,
    IOptions<CriticalProjectOptions> options,
    TimeProvider time,
    ILogger<CriticalMarks> logger)
{
    public const string MarkAction = "mark critical";
    public const string UnmarkAction = "unmark critical";

    // An arbitrary constant: the PostgreSQL advisory lock that serializes critical-mark writers.
    private const long AdvisoryLockKey = 0x4255_4C57_4352_4954;

    /// <summary>
    /// Serializes writers of critical marks until the current transaction ends. Several server instances run
    /// the schedule, and an admin verb can run at the same time; whoever holds the lock reads the marks
    /// afresh, so a project is marked (journaled, audited, notified) once. SQLite needs nothing: its
    /// transactions begin IMMEDIATE and already exclude other writers.
    /// </summary>
    public async Task LockAsync(CancellationToken ct)
    {
        if (db.IsSqlite) return;
        await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
    }

    /// <summary>
    /// Marks those of <paramref name="members"/> that are not marked yet, inside the caller's transaction
    /// (after <see cref="LockAsync"/>). Returns the projects actually marked.
    /// </summary>
    public async Task<IReadOnlyList<MarkedProject>> MarkAsync(IReadOnlyList<CohortMember> members, Actor actor, string? context, CancellationToken ct)
    {
        if (members.Count == 0) return [];
        var now = time.GetUtcNow();
        var enforceAfter = now + options.Value.CriticalGracePeriod;
        var byId = members.ToDictionary(m => m.ProjectId);
        var ids = byId.Keys.ToList();
        var projects = await db.Projects.Where(p => ids.Contains(p.Id) && p.CriticalSince == null).OrderBy(p => p.Id).ToListAsync(ct);
        var marked = new List<MarkedProject>(projects.Count);
        foreach (var project in projects)
        {
            var member = byId[project.Id];
            project.CriticalSince = now;
            project.CriticalEnforceAfter = enforceAfter;
            project.CriticalNotifiedAt = null;
            audit.Record(AuditEventType.ProjectBecameCritical, actor, projectId: project.Id, details: new BecameCriticalDetails(
                member.Reason == CriticalReason.Downloads ? "downloads" : "always-critical list", member.Downloads, member.Rank, enforceAfter, context));
            marked.Add(new MarkedProject(project.Id, project.Name, member.Reason, member.Downloads, member.Rank, enforceAfter));
        }
        await index.AppendManyAsync(projects, MarkAction, actor.UserId, ct);
        // The critical projects head the typosquat check's protected set: every instance rebuilds it on this entry.
        if (projects.Count > 0) await index.AppendForNameAsync(Moderation.Typosquats.ServerProtectedNames.ChangeMarker, Moderation.Typosquats.ServerProtectedNames.CriticalSetChanged, actor.UserId, ct);
        await db.SaveChangesAsync(ct);
        return marked;
    }

    /// <summary>
    /// Tells the maintainers of every critical project not yet notified. Runs after the marks commit; a
    /// notice that fails stays pending and is retried by the next run, so a mail outage delays notices
    /// instead of losing them. Projects are claimed before their notices go out, so two instances running the
    /// schedule at the same moment do not both send them; the price is that a crash between the claim and the
    /// send loses those notices (the marks, journal entries and audit events are already committed).
    /// </summary>
    public async Task<int> NotifyPendingAsync(CancellationToken ct)
    {
        var pending = await db.Projects.AsNoTracking()
            .Where(p => p.CriticalSince != null && p.CriticalNotifiedAt == null)
            .OrderBy(p => p.Id)
            .Select(p => new { p.Id, p.Name, p.CriticalSince, p.CriticalEnforceAfter, p.NormalizedName })
            .ToListAsync(ct);
        if (pending.Count == 0) return 0;
        var listed = (await db.CriticalOverrides.AsNoTracking().Where(o => o.Kind == CriticalOverrideKind.AlwaysCritical).Select(o => o.NormalizedName).ToListAsync(ct)).ToHashSet();

        var sent = 0;
        foreach (var chunk in pending.Chunk(500))
        {
            var ids = chunk.Select(p => p.Id).ToList();
            var roles = (await db.ProjectRoles.AsNoTracking()
                .Where(r => ids.Contains(r.ProjectId))
                .OrderBy(r => r.Role).ThenBy(r => r.User.Username)
                .Select(r => new { r.ProjectId, Recipient = new NoticeRecipient(r.UserId, r.User.Username, r.User.Email, r.Role) })
                .ToListAsync(ct)).ToLookup(r => r.ProjectId, r => r.Recipient);
            // Claim the chunk with one statement (the first run on a large index has thousands of projects). The
            // claim time doubles as the token that tells our rows from another instance's: whole seconds plus a
            // random number of microseconds below one second, which both databases store exactly.
            var now = time.GetUtcNow().UtcTicks;
            var claimedAt = new DateTimeOffset(now - now % TimeSpan.TicksPerSecond + Random.Shared.Next(0, 1_000_000) * TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
            await db.Projects.Where(x => ids.Contains(x.Id) && x.CriticalNotifiedAt == null && x.CriticalSince != null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.CriticalNotifiedAt, claimedAt), ct);
            var claimed = (await db.Projects.AsNoTracking().Where(x => ids.Contains(x.Id) && x.CriticalNotifiedAt == claimedAt).Select(x => x.Id).ToListAsync(ct)).ToHashSet();
            foreach (var p in chunk.Where(p => claimed.Contains(p.Id)))
            {
                var notice = new CriticalProjectNotice(p.Id, p.Name,
                    listed.Contains(p.NormalizedName) ? CriticalReason.AlwaysCriticalList : CriticalReason.Downloads,
                    p.CriticalSince!.Value, p.CriticalEnforceAfter ?? p.CriticalSince.Value, roles[p.Id].ToList());
                try
                {
                    await notifier.NotifyAsync(notice, ct);
                    sent++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Telling the maintainers that {Project} became critical failed; the next recompute retries.", p.Name);
                    await db.Projects.Where(x => x.Id == p.Id)
                        .ExecuteUpdateAsync(s => s.SetProperty(x => x.CriticalNotifiedAt, (DateTimeOffset?)null), CancellationToken.None);
                }
            }
        }
        return sent;
    }
}
