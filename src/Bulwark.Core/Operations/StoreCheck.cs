using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Bulwark.Core.Packaging.Archives;
using Bulwark.Core.Storage;
using Bulwark.Core.Uploads;
using Bulwark.Core.Upstreams;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Operations;

/// <summary>
/// The consistency check behind <c>fsck</c>: compares the blob store with the file rows (both ways), re-hashes every
/// blob (streaming), checks PEP 658 <c>.metadata</c> companions, each project's serial and size against its journal
/// and files, and looks for what interrupted uploads left. With repair it fixes what can be fixed without losing
/// data and says why it left the rest.
/// </summary>
public sealed class StoreCheck(BulwarkDbContext db, IBlobStore blobs, IndexWriter index, UploadLeftovers leftovers, TimeProvider time)
{
    private const string MetadataSuffix = ".metadata";

    /// <summary>
    /// Orphan blobs and leftovers younger than this are neither repaired nor reported: an upload puts its blobs
    /// before it commits its row, so a blob without a row for a few seconds is an upload in progress (in this
    /// process or another sharing the store). The same margin as the start-up sweep's.
    /// </summary>
    public static TimeSpan MinimumAge => UploadLeftovers.StaleAfter;

    private Dictionary<string, string>? _proxiedReread;

    private sealed record FileRow(long Id, long ProjectId, string Filename, PackageType Type, string BlobPath, long Size,
        string Sha256, string Blake2b256, string? MetadataSha256);

    /// <summary>Runs every check; with <paramref name="repair"/> each finding says what was done about it.</summary>
    public async Task<IReadOnlyList<FsckFinding>> RunAsync(bool repair, CancellationToken ct = default)
    {
        var findings = new List<FsckFinding>();
        var cutoff = time.GetUtcNow() - MinimumAge;
        findings.AddRange(await CheckLeftoversAsync(repair, cutoff, ct));

        var rows = await db.Files.AsNoTracking()
            .Select(f => new FileRow(f.Id, f.ProjectId, f.Filename, f.PackageType, f.BlobPath, f.Size, f.Sha256Digest, f.Blake2b256Digest, f.MetadataSha256Digest))
            .ToListAsync(ct);
        var byPath = rows.GroupBy(r => r.BlobPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var stored = new Dictionary<string, StoredBlob>(StringComparer.Ordinal);
        await foreach (var blob in blobs.ListAsync(ct)) stored[blob.Path] = blob;
        // Proxied files have no file rows: a held upstream page listing them is what keeps them (docs/upstreams.md).
        var proxied = await UpstreamBlobs.InUseAsync(db, ct);

        foreach (var blob in stored.Values.OrderBy(b => b.Path, StringComparer.Ordinal))
        {
            if (IsUsed(blob.Path, byPath)) continue;
            if (blob.Path.StartsWith(UpstreamBlobs.Prefix, StringComparison.Ordinal))
            {
                findings.AddRange(await CheckProxiedAsync(blob, proxied, cutoff, repair, ct));
                continue;
            }
            // Read the row table again for this one path: an upload may have committed since the listing.
            var main = blob.Path.EndsWith(MetadataSuffix, StringComparison.Ordinal) ? blob.Path[..^MetadataSuffix.Length] : blob.Path;
            if (blob.LastModified > cutoff || await db.Files.AnyAsync(f => f.BlobPath == main || f.BlobPath == blob.Path, ct)) continue;
            var finding = new FsckFinding(FsckFindingKind.OrphanBlob, blob.Path, $"{blob.Size:N0} bytes, no file row uses it");
            if (repair)
            {
                await blobs.DeleteAsync(blob.Path, ct);
                finding = finding with { Repaired = $"deleted (older than {MinimumAge.TotalHours:0} h, so no upload in progress owns it)" };
            }
            findings.Add(finding);
        }

        foreach (var row in rows.OrderBy(r => r.Id))
        {
            ct.ThrowIfCancellationRequested();
            findings.AddRange(await CheckFileAsync(row, stored, repair, ct));
        }

        findings.AddRange(await CheckProjectsAsync(repair, ct));
        return findings;
    }

    /// <summary>
    /// A proxied blob: one a held page lists must hash to the listed sha256; one no page lists (its name became local,
    /// or the upstream dropped the project) is an orphan. Repair deletes both: the upstream still has the bytes, and
    /// the proxy fetches and verifies them again if they are ever asked for.
    /// </summary>
    private async Task<List<FsckFinding>> CheckProxiedAsync(StoredBlob blob, Dictionary<string, string> proxied, DateTimeOffset cutoff, bool repair,
        CancellationToken ct)
    {
        FsckFinding finding;
        if (proxied.TryGetValue(blob.Path, out var expected))
        {
            if (await HashAsync(blob.Path, ct) is { } digests && digests.Sha256 == expected) return [];
            finding = new FsckFinding(FsckFindingKind.DigestMismatch, blob.Path, $"proxied blob does not hash to the sha256 {expected} its upstream page lists");
        }
        else
        {
            // A young blob may be a fetch in progress; a page stored since the first read may list it again (read once more).
            if (blob.LastModified > cutoff) return [];
            _proxiedReread ??= await UpstreamBlobs.InUseAsync(db, ct);
            if (_proxiedReread.ContainsKey(blob.Path)) return [];
            finding = new FsckFinding(FsckFindingKind.OrphanBlob, blob.Path, $"{blob.Size:N0} bytes, proxied, no held upstream page lists it");
        }
        if (!repair) return [finding];
        await blobs.DeleteAsync(blob.Path, ct);
        return [finding with { Repaired = "deleted (the upstream has the bytes; the proxy fetches and verifies them again on request)" }];
    }

    private static bool IsUsed(string path, Dictionary<string, FileRow> byPath)
    {
        if (byPath.ContainsKey(path)) return true;
        return path.EndsWith(MetadataSuffix, StringComparison.Ordinal)
            && byPath.TryGetValue(path[..^MetadataSuffix.Length], out var owner) && owner.MetadataSha256 is not null;
    }

    private async Task<List<FsckFinding>> CheckLeftoversAsync(bool repair, DateTimeOffset cutoff, CancellationToken ct)
    {
        var found = new List<FsckFinding>();
        if (!Directory.Exists(blobs.TempDirectory)) return found;
        foreach (var file in Directory.EnumerateFiles(blobs.TempDirectory).Order(StringComparer.Ordinal))
        {
            if (File.GetLastWriteTimeUtc(file) > cutoff.UtcDateTime) continue;
            var detail = file.EndsWith(PendingBlobs.Extension, StringComparison.Ordinal)
                ? $"upload intent record naming {string.Join(", ", PendingBlobs.Read(file))}"
                : "upload temp file";
            found.Add(new FsckFinding(FsckFindingKind.PendingLeftover, Path.GetFileName(file), detail));
        }
        if (repair && found.Count > 0)
        {
            // The start-up sweep's own rules: blobs a record names are removed only when no row uses them.
            var swept = await leftovers.SweepAsync(ct);
            var note = $"swept with the start-up sweep ({swept.TempFiles} temp file(s), {swept.Blobs} unused blob(s) removed)";
            found = found.Select(f => f with { Repaired = note }).ToList();
        }
        return found;
    }

    private async Task<List<FsckFinding>> CheckFileAsync(FileRow row, Dictionary<string, StoredBlob> stored, bool repair, CancellationToken ct)
    {
        var found = new List<FsckFinding>();
        var subject = $"{row.Filename} (file {row.Id})";
        if (!stored.ContainsKey(row.BlobPath))
        {
            found.Add(Unrepairable(repair, new FsckFinding(FsckFindingKind.MissingBlob, subject, $"blob {row.BlobPath} is not in the store"),
                "the bytes exist nowhere else; restore the blob from a backup or remove the file"));
            return found;
        }
        var digests = await HashAsync(row.BlobPath, ct);
        if (digests is null || digests.Sha256 != row.Sha256 || digests.Blake2b256 != row.Blake2b256)
        {
            found.Add(Unrepairable(repair, new FsckFinding(FsckFindingKind.DigestMismatch, subject,
                    $"blob {row.BlobPath} hashes to sha256 {digests?.Sha256 ?? "?"}, the row records {row.Sha256}"),
                "the recorded digests are what clients verify against; restore the blob from a backup"));
            return found;
        }
        if (row.MetadataSha256 is null) return found;

        var metadataPath = row.BlobPath + MetadataSuffix;
        FsckFinding? metadata = null;
        if (!stored.ContainsKey(metadataPath))
        {
            metadata = new FsckFinding(FsckFindingKind.MissingMetadata, subject, $"{metadataPath} is not in the store");
        }
        else if (await HashAsync(metadataPath, ct) is not { } m || m.Sha256 != row.MetadataSha256)
        {
            metadata = new FsckFinding(FsckFindingKind.MetadataMismatch, subject, $"{metadataPath} does not hash to the recorded {row.MetadataSha256}");
        }
        if (metadata is null) return found;
        found.Add(repair ? await RepairMetadataAsync(row, metadataPath, metadata, ct) : metadata);
        return found;
    }

    /// <summary>
    /// Extracts METADATA from the distribution again; it is written only when it hashes to the digest the row
    /// recorded at upload, so the repair serves exactly the bytes clients were promised.
    /// </summary>
    private async Task<FsckFinding> RepairMetadataAsync(FileRow row, string metadataPath, FsckFinding finding, CancellationToken ct)
    {
        await using var stream = await blobs.OpenReadAsync(row.BlobPath, ct);
        if (stream is null) return finding with { NotRepaired = "the distribution vanished during the check" };
        var result = DistributionInspector.Inspect(stream, row.Filename, row.Type);
        if (!result.IsValid) return finding with { NotRepaired = $"the distribution no longer passes inspection: {result.Error}" };
        if (FileDigests.Compute(result.MetadataBytes).Sha256 != row.MetadataSha256)
            return finding with { NotRepaired = "the metadata extracted from the distribution does not hash to the recorded digest" };
        await blobs.DeleteAsync(metadataPath, ct);
        var put = await blobs.PutBytesAsync(metadataPath, result.MetadataBytes, ct);
        return put == BlobPutResult.Conflict
            ? finding with { NotRepaired = "another writer put different bytes at the path meanwhile" }
            : finding with { Repaired = "re-extracted from the distribution (digest matches the row)" };
    }

    private async Task<List<FsckFinding>> CheckProjectsAsync(bool repair, CancellationToken ct)
    {
        var found = new List<FsckFinding>();
        var newest = await db.Journal.AsNoTracking().GroupBy(j => j.ProjectName)
            .Select(g => new { Name = g.Key, Serial = g.Max(j => j.Id) }).ToDictionaryAsync(x => x.Name, x => x.Serial, StringComparer.Ordinal, ct);
        var sizes = await db.Files.AsNoTracking().GroupBy(f => f.ProjectId)
            .Select(g => new { ProjectId = g.Key, Size = g.Sum(f => f.Size) }).ToDictionaryAsync(x => x.ProjectId, x => x.Size, ct);
        var projects = await db.Projects.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Id, p.Name, p.LastSerial, p.TotalSize }).ToListAsync(ct);
        foreach (var p in projects)
        {
            var serialWrong = newest.TryGetValue(p.Name, out var serial) ? serial != p.LastSerial : p.LastSerial != 0;
            var size = sizes.GetValueOrDefault(p.Id);
            var sizeWrong = size != p.TotalSize;
            if (!serialWrong && !sizeWrong) continue;
            var serialFinding = serialWrong
                ? new FsckFinding(FsckFindingKind.StaleSerial, p.Name, $"last serial {p.LastSerial}, newest journal entry {(newest.ContainsKey(p.Name) ? serial : "none")}")
                : null;
            var sizeFinding = sizeWrong ? new FsckFinding(FsckFindingKind.TotalSizeMismatch, p.Name, $"recorded {p.TotalSize:N0} bytes, files add up to {size:N0}") : null;
            if (repair)
            {
                await RepairProjectAsync(p.Id, size, ct);
                serialFinding = serialFinding is null ? null : serialFinding with { Repaired = "journaled 'fsck repair', which moved the serial to the new newest entry (caches refresh)" };
                sizeFinding = sizeFinding is null ? null : sizeFinding with { Repaired = "total size recomputed from the files" };
            }
            if (serialFinding is not null) found.Add(serialFinding);
            if (sizeFinding is not null) found.Add(sizeFinding);
        }
        return found;
    }

    /// <summary>
    /// A new journal entry rather than setting the serial back to the newest one: serials only move forward, so
    /// every cache and mirror that compares them sees the project as changed and renders it again.
    /// </summary>
    private async Task RepairProjectAsync(long projectId, long size, CancellationToken ct)
    {
        await using var tx = await index.BeginAsync(ct);
        var project = await db.Projects.SingleAsync(p => p.Id == projectId, ct);
        project.TotalSize = size;
        await index.AppendAsync(project, "fsck repair", ct: ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static FsckFinding Unrepairable(bool repair, FsckFinding finding, string why) => repair ? finding with { NotRepaired = why } : finding;

    /// <summary>Streams a blob through the hashes; null when it vanished meanwhile.</summary>
    private async Task<FileDigests?> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = await blobs.OpenReadAsync(path, ct);
        if (stream is null) return null;
        return (await MultiHasher.HashAsync(stream, ct)).Digests;
    }
}
