using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Moderation;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// Quarantine of a proxied project or of chosen proxied releases. A proxied name has no local rows to mark, so
/// the quarantine is kept as <see cref="BlockedUpstreamVersion"/> rules with the source <see cref="Source"/>:
/// the same gate that withholds OSV-listed versions then leaves them off the page and answers 404 for their
/// files, on every instance (the change is journaled under the name). OSV re-imports never touch these rules,
/// because an import replaces only the rules of the records it carries.
/// </summary>
public sealed class ProxiedQuarantine(BulwarkDbContext db, IndexWriter index, AuditLog audit, TimeProvider time)
{
    /// <summary>The <see cref="BlockedUpstreamVersion.Source"/> of a responder's quarantine.</summary>
    public const string Source = "quarantine";

    /// <summary>Quarantines <paramref name="versions"/> of a proxied name, or every version when none are named.</summary>
    /// <param name="rule">The detector's rule that triggered an automatic quarantine (null for a person's).</param>
    public async Task<Outcome<string>> QuarantineAsync(string name, IReadOnlyCollection<string> versions, string? reason, Actor actor, CancellationToken ct = default,
        string? rule = null)
    {
        if (ProjectQuarantine.CheckReason(reason) is { } bad) return bad;
        if (!(await ProxiedNameAsync(name, ct)).TryGetValue(out var normalized, out var unknown)) return unknown;
        var existing = await db.BlockedUpstreamVersions.Where(b => b.NormalizedName == normalized && b.Source == Source).ToListAsync(ct);
        if (existing.Any(b => b.Version is null)) return Refusal.Conflict($"The proxied project '{normalized}' is already quarantined.");
        var already = versions.Where(v => existing.Any(b => b.Version is not null && BlockedVersionGate.Covers(b, v))).ToList();
        if (already.Count > 0) return Refusal.Conflict($"Already quarantined: {normalized} {string.Join(", ", already)}.");

        var now = time.GetUtcNow();
        await using var tx = await index.BeginAsync(ct);
        if (versions.Count == 0)
        {
            // Introduced "0" with no end covers every version, also those the upstream publishes later.
            db.BlockedUpstreamVersions.Add(new BlockedUpstreamVersion { Source = Source, NormalizedName = normalized, Introduced = "0", ImportedAt = now });
        }
        else
        {
            foreach (var version in versions.Distinct(StringComparer.Ordinal))
            {
                db.BlockedUpstreamVersions.Add(new BlockedUpstreamVersion { Source = Source, NormalizedName = normalized, Version = version, ImportedAt = now });
            }
        }
        await index.AppendForNameAsync(normalized, "quarantine proxied", actor.UserId, ct);
        audit.Record(versions.Count == 0 ? AuditEventType.ProjectQuarantined : AuditEventType.ReleasesQuarantined, actor, null, null,
            new QuarantineDetails(normalized, versions.Count == 0 ? null : versions.ToList(), reason!.Trim(), rule));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return versions.Count == 0 ? $"Quarantined the proxied project {normalized}." : $"Quarantined {normalized} {string.Join(", ", versions)} (proxied).";
    }

    /// <summary>Lifts the quarantine of the named proxied releases, or of the whole proxied project when none are named.</summary>
    public async Task<Outcome<string>> UnquarantineAsync(string name, IReadOnlyCollection<string> versions, Actor actor, CancellationToken ct = default)
    {
        if (!(await ProxiedNameAsync(name, ct)).TryGetValue(out var normalized, out var unknown)) return unknown;
        var rules = await db.BlockedUpstreamVersions.Where(b => b.NormalizedName == normalized && b.Source == Source).ToListAsync(ct);
        var lifted = versions.Count == 0
            ? rules.Where(b => b.Version is null).ToList()
            : rules.Where(b => b.Version is not null && versions.Contains(b.Version, StringComparer.Ordinal)).ToList();
        if (lifted.Count == 0 || (versions.Count > 0 && lifted.Count < versions.Distinct(StringComparer.Ordinal).Count()))
        {
            return Refusal.Conflict(versions.Count == 0
                ? $"The proxied project '{normalized}' is not quarantined."
                : $"Not quarantined: {normalized} {string.Join(", ", versions.Where(v => lifted.All(b => b.Version != v)))}.");
        }

        await using var tx = await index.BeginAsync(ct);
        db.BlockedUpstreamVersions.RemoveRange(lifted);
        await index.AppendForNameAsync(normalized, "unquarantine proxied", actor.UserId, ct);
        audit.Record(versions.Count == 0 ? AuditEventType.ProjectUnquarantined : AuditEventType.ReleasesUnquarantined, actor, null, null,
            new QuarantineDetails(normalized, versions.Count == 0 ? null : versions.ToList(), null, null));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return versions.Count == 0 ? $"Lifted the quarantine of the proxied project {normalized}." : $"Lifted the quarantine of {normalized} {string.Join(", ", versions)} (proxied).";
    }

    // Only a name this index has proxied can be quarantined here: anything else is a typo, and quarantining a
    // name nobody has fetched would silently do nothing until someone did.
    private async Task<Outcome<string>> ProxiedNameAsync(string name, CancellationToken ct)
    {
        if (!ProjectName.IsValid(name)) return Refusal.Invalid($"'{PythonText.Shorten(name)}' is not a valid project name.", "name");
        var normalized = ProjectName.Normalize(name);
        return await db.UpstreamPages.AsNoTracking().AnyAsync(p => p.NormalizedName == normalized, ct)
            ? normalized
            : Refusal.NotFound($"There is no project named '{normalized}', local or proxied.");
    }
}
