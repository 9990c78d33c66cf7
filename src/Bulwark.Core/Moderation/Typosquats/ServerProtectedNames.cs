using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// The server's own protected set and the typosquat check over it, built once and shared by every request (a
/// singleton): the critical projects first, then this index's most-downloaded projects, then the operator's list
/// file (<see cref="TyposquatOptions.ProtectedListFile"/>). Rebuilding costs a few hundred milliseconds for
/// 15,000 names, so it happens only when an input changed: the critical set and the file are fingerprinted on
/// every use (one indexed query, one stat), the download ranking, which moves with every download, is re-read
/// after <see cref="TyposquatOptions.RefreshMinutes"/>.
/// </summary>
public sealed class ServerProtectedNames(IOptions<TyposquatOptions> options, TimeProvider time)
{
    private readonly SemaphoreSlim _building = new(1, 1);
    private Snapshot? _current;

    private sealed record Snapshot(TyposquatCheck Check, string Fingerprint, DateTimeOffset BuiltAt);

    /// <summary>The check over the current protected set, rebuilt first when one of its inputs changed.</summary>
    public async Task<TyposquatCheck> GetAsync(BulwarkDbContext db, CancellationToken ct = default)
    {
        var fingerprint = await FingerprintAsync(db, ct);
        var refresh = TimeSpan.FromMinutes(options.Value.RefreshMinutes);
        if (_current is { } fresh && fresh.Fingerprint == fingerprint && time.GetUtcNow() - fresh.BuiltAt < refresh)
        {
            return fresh.Check;
        }

        await _building.WaitAsync(ct);
        try
        {
            if (_current is { } built && built.Fingerprint == fingerprint && time.GetUtcNow() - built.BuiltAt < refresh)
            {
                return built.Check;
            }

            var settings = options.Value;
            var check = new TyposquatCheck(new ProtectedNames(await NamesAsync(db, settings, ct)), settings);
            _current = new Snapshot(check, fingerprint, time.GetUtcNow());
            return check;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <summary>Forgets the current set, so the next use rebuilds it (after the admin additions or the allow-list change).</summary>
    public void Invalidate() => _current = null;

    private async Task<string> FingerprintAsync(BulwarkDbContext db, CancellationToken ct)
    {
        // Count and newest id of the critical projects: a project made critical, or no longer critical, changes one.
        var critical = await db.Projects.AsNoTracking().Where(p => p.CriticalSince != null)
            .GroupBy(_ => 1).Select(g => new { Count = g.Count(), Max = g.Max(p => p.Id) }).FirstOrDefaultAsync(ct);
        var file = options.Value.ProtectedListFile;
        var stamp = string.IsNullOrWhiteSpace(file) || !File.Exists(file) ? "-" : File.GetLastWriteTimeUtc(file).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{critical?.Count ?? 0}:{critical?.Max ?? 0}:{stamp}";
    }

    private async Task<List<string>> NamesAsync(BulwarkDbContext db, TyposquatOptions settings, CancellationToken ct)
    {
        // Rank order matters: a verdict names the highest-ranked protected name it resembles.
        var names = await db.Projects.AsNoTracking().Where(p => p.CriticalSince != null)
            .OrderBy(p => p.CriticalSince).Select(p => p.NormalizedName).ToListAsync(ct);
        if (settings.TopProjects > 0)
        {
            var since = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddDays(-30));
            var top = await db.DownloadCounts.AsNoTracking().Where(d => d.Day >= since)
                .GroupBy(d => d.ProjectId).Select(g => new { ProjectId = g.Key, Total = g.Sum(d => d.Count) })
                .OrderByDescending(g => g.Total).Take(settings.TopProjects)
                .Join(db.Projects, g => g.ProjectId, p => p.Id, (g, p) => new { p.NormalizedName, g.Total })
                .ToListAsync(ct);
            names.AddRange(top.OrderByDescending(t => t.Total).Select(t => t.NormalizedName));
        }

        if (!string.IsNullOrWhiteSpace(settings.ProtectedListFile))
        {
            // A missing or unreadable file is a configuration error the operator must see, not an empty list that
            // silently turns the check off: the exception fails the request that needed the set.
            names.AddRange(ProtectedNameList.Read(settings.ProtectedListFile, settings.ProtectedListLimit));
        }

        return names;
    }
}
