using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Upstreams;

/// <summary>What an import did.</summary>
public sealed record OsvImportResult(int Records, int Rules, IReadOnlyList<string> Projects, int Skipped, int Withdrawn);

/// <summary>
/// Imports known-malicious package versions from OSV records (the OpenSSF malicious-packages dataset: ids
/// <c>MAL-…</c>, one record per file, or an array of records) into <see cref="BlockedUpstreamVersion"/>. Only
/// <c>MAL-</c> records are taken (a vulnerability is not malware, and blocking it is a different policy), and
/// only their <c>PyPI</c> entries. An entry with neither versions nor ranges blocks every version of the name:
/// the record says the package is malicious and names nothing that is not. Re-importing a record replaces its
/// rules; a withdrawn record removes them. Each affected name gets a journal entry, so every instance drops its
/// proxied page of that name at once.
/// </summary>
public sealed class OsvImport(BulwarkDbContext db, IndexWriter index, AuditLog audit, TimeProvider time)
{
    public const string Ecosystem = "PyPI";

    public async Task<Outcome<OsvImportResult>> ImportAsync(Stream json, string label, Actor actor, CancellationToken ct)
    {
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(json, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return Refusal.Invalid($"{label} is not JSON: {ex.Message}");
        }
        using var _ = doc;
        var records = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [doc.RootElement];
        var now = time.GetUtcNow();
        var rules = new List<BlockedUpstreamVersion>();
        var sources = new HashSet<string>(StringComparer.Ordinal);
        int skipped = 0, withdrawn = 0;
        foreach (var record in records)
        {
            if (record.ValueKind != JsonValueKind.Object || !record.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String)
            {
                return Refusal.Invalid($"{label}: every OSV record needs a string 'id'.");
            }
            var id = idElement.GetString()!;
            if (!id.StartsWith("MAL-", StringComparison.Ordinal) || id.Length > 100)
            {
                skipped++;
                continue;
            }
            sources.Add(id);
            if (record.TryGetProperty("withdrawn", out var w) && w.ValueKind == JsonValueKind.String)
            {
                withdrawn++;
                continue;
            }
            if (!record.TryGetProperty("affected", out var affected) || affected.ValueKind != JsonValueKind.Array) continue;
            foreach (var entry in affected.EnumerateArray())
            {
                if (!TryPackage(entry, out var name)) continue;
                var before = rules.Count;
                if (entry.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Array)
                {
                    foreach (var v in versions.EnumerateArray())
                    {
                        if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 100 } text) rules.Add(Rule(id, name, now, version: text));
                    }
                }
                if (entry.TryGetProperty("ranges", out var ranges) && ranges.ValueKind == JsonValueKind.Array)
                {
                    foreach (var range in ranges.EnumerateArray()) AddRange(rules, id, name, now, range);
                }
                if (rules.Count == before) rules.Add(Rule(id, name, now, introduced: "0"));
            }
        }

        var names = rules.Select(r => r.NormalizedName).ToHashSet(StringComparer.Ordinal);
        await using var tx = await index.BeginAsync(ct);
        var replaced = await db.BlockedUpstreamVersions.Where(b => sources.Contains(b.Source)).ToListAsync(ct);
        names.UnionWith(replaced.Select(r => r.NormalizedName));
        db.BlockedUpstreamVersions.RemoveRange(replaced);
        db.BlockedUpstreamVersions.AddRange(rules);
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            // Moves the name's generation on every instance (see Index/README.md), so a proxied page or file of
            // a version blocked now is not served from memory afterwards.
            await index.AppendForNameAsync(name, "upstream block", actor.UserId, ct);
        }
        var projects = names.Order(StringComparer.Ordinal).ToList();
        audit.Record(AuditEventType.UpstreamVersionsBlocked, actor, null, null,
            new UpstreamVersionsBlockedDetails(label, sources.Count, rules.Count, projects.Take(100).ToList()));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new OsvImportResult(sources.Count, rules.Count, projects, skipped, withdrawn);
    }

    private static bool TryPackage(JsonElement entry, out string normalizedName)
    {
        normalizedName = "";
        if (!entry.TryGetProperty("package", out var package) || package.ValueKind != JsonValueKind.Object) return false;
        if (!package.TryGetProperty("ecosystem", out var eco) || eco.ValueKind != JsonValueKind.String || eco.GetString() != Ecosystem) return false;
        if (!package.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || !ProjectName.IsValid(n.GetString())) return false;
        normalizedName = ProjectName.Normalize(n.GetString()!);
        return true;
    }

    /// <summary>OSV ECOSYSTEM events in order: each <c>introduced</c> opens a range that the next <c>fixed</c> or <c>last_affected</c> closes.</summary>
    private static void AddRange(List<BlockedUpstreamVersion> rules, string id, string name, DateTimeOffset now, JsonElement range)
    {
        if (!range.TryGetProperty("type", out var type) || type.GetString() != "ECOSYSTEM") return;
        if (!range.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array) return;
        string? open = null;
        foreach (var e in events.EnumerateArray())
        {
            if (Text(e, "introduced") is { } introduced)
            {
                if (open is not null) rules.Add(Rule(id, name, now, introduced: open));
                open = introduced;
            }
            else if (Text(e, "fixed") is { } fixedAt && open is not null)
            {
                rules.Add(Rule(id, name, now, introduced: open, fixedAt: fixedAt));
                open = null;
            }
            else if (Text(e, "last_affected") is { } last && open is not null)
            {
                rules.Add(Rule(id, name, now, introduced: open, lastAffected: last));
                open = null;
            }
        }
        if (open is not null) rules.Add(Rule(id, name, now, introduced: open));

        static string? Text(JsonElement e, string key) =>
            e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 100 } s ? s : null;
    }

    private static BlockedUpstreamVersion Rule(string id, string name, DateTimeOffset now, string? version = null, string? introduced = null,
        string? fixedAt = null, string? lastAffected = null) =>
        new() { Source = id, NormalizedName = name, Version = version, Introduced = introduced, Fixed = fixedAt, LastAffected = lastAffected, ImportedAt = now };
}
