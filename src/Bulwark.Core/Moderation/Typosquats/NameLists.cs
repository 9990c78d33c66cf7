using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>What the administrators added to the typosquat check: protected names and allowed pairs, oldest first.</summary>
public sealed record NameListsView(IReadOnlyList<ProtectedNameAddition> Protected, IReadOnlyList<AllowedNamePair> AllowedPairs);

/// <summary>
/// The administrators' additions to the protected set and their allow-list of name pairs (<c>names protect</c>,
/// <c>names allow</c>, the admin Names page). Every change is audited and announced under
/// <see cref="ServerProtectedNames.ChangeMarker"/> in the index journal, in the same transaction, so every instance
/// rebuilds its protected set before its next check. Names are kept in their PEP 503 form, so every spelling counts.
/// </summary>
public sealed class NameLists(BulwarkDbContext db, IndexWriter index, AuditLog audit, TimeProvider time)
{
    /// <summary>Both lists.</summary>
    public async Task<NameListsView> ListAsync(CancellationToken ct = default)
    {
        // Sorted here: SQLite cannot order by a DateTimeOffset column.
        var names = await db.ProtectedNameAdditions.AsNoTracking().ToListAsync(ct);
        var pairs = await db.AllowedNamePairs.AsNoTracking().ToListAsync(ct);
        return new NameListsView(
            names.OrderBy(n => n.AddedAt).ThenBy(n => n.NormalizedName, StringComparer.Ordinal).ToList(),
            pairs.OrderBy(p => p.AddedAt).ThenBy(p => p.Candidate, StringComparer.Ordinal).ToList());
    }

    /// <summary>Adds <paramref name="name"/> to the protected set (or, with <paramref name="remove"/>, takes it out); false when nothing changed.</summary>
    public async Task<Outcome<bool>> ProtectAsync(string? name, bool remove, Actor actor, CancellationToken ct = default)
    {
        if (!Valid(name, out var normalized)) return Refusal.Invalid($"'{name}' is not a valid project name.", "name");
        await using var tx = await index.BeginAsync(ct);
        var existing = await db.ProtectedNameAdditions.FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
        if (remove ? existing is null : existing is not null) return false;
        if (remove) db.ProtectedNameAdditions.Remove(existing!);
        else db.ProtectedNameAdditions.Add(new ProtectedNameAddition { NormalizedName = normalized, AddedAt = time.GetUtcNow(), AddedByUserId = actor.UserId });
        var projectId = await ProjectIdAsync(normalized, ct);
        audit.Record(AuditEventType.ProtectedNameChanged, actor, null, projectId, new ProtectedNameDetails(normalized, remove));
        await CommitAsync(tx, remove ? "unprotect name" : "protect name", actor, ct);
        return true;
    }

    /// <summary>
    /// Lets <paramref name="candidate"/> be created although it resembles the protected <paramref name="similar"/>
    /// (or, with <paramref name="remove"/>, withdraws that exception); false when nothing changed.
    /// </summary>
    public async Task<Outcome<bool>> AllowAsync(string? candidate, string? similar, bool remove, Actor actor, CancellationToken ct = default)
    {
        if (!Valid(candidate, out var name)) return Refusal.Invalid($"'{candidate}' is not a valid project name.", "name");
        if (!Valid(similar, out var protectedName)) return Refusal.Invalid($"'{similar}' is not a valid project name.", "similar");
        // A pair of one name is meaningless: a name never resembles itself in the check.
        if (name == protectedName) return Refusal.Invalid("The two names are the same project name.", "similar");
        await using var tx = await index.BeginAsync(ct);
        var existing = await db.AllowedNamePairs.FirstOrDefaultAsync(p => p.Candidate == name && p.Protected == protectedName, ct);
        if (remove ? existing is null : existing is not null) return false;
        if (remove) db.AllowedNamePairs.Remove(existing!);
        else db.AllowedNamePairs.Add(new AllowedNamePair { Candidate = name, Protected = protectedName, AddedAt = time.GetUtcNow(), AddedByUserId = actor.UserId });
        var projectId = await ProjectIdAsync(name, ct);
        audit.Record(AuditEventType.AllowedNamePairChanged, actor, null, projectId, new AllowedNamePairDetails(name, protectedName, remove));
        await CommitAsync(tx, remove ? "disallow name pair" : "allow name pair", actor, ct);
        return true;
    }

    private async Task CommitAsync(IndexTransaction tx, string action, Actor actor, CancellationToken ct)
    {
        // The journal entry is what tells the other instances (signal, notification, poll) to rebuild their set.
        await index.AppendForNameAsync(ServerProtectedNames.ChangeMarker, action, actor.UserId, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private Task<long?> ProjectIdAsync(string normalized, CancellationToken ct) =>
        db.Projects.AsNoTracking().Where(p => p.NormalizedName == normalized).Select(p => (long?)p.Id).FirstOrDefaultAsync(ct);

    private static bool Valid(string? name, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(name) || !ProjectName.IsValid(name.Trim())) return false;
        normalized = ProjectName.Normalize(name.Trim());
        return true;
    }
}

/// <summary>Audit details of a change to the admins' protected names.</summary>
public sealed record ProtectedNameDetails(string Name, bool Removed) : IAuditDetails;

/// <summary>Audit details of a change to the admins' allowed name pairs.</summary>
public sealed record AllowedNamePairDetails(string Candidate, string Protected, bool Removed) : IAuditDetails;
