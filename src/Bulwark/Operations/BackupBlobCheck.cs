using Bulwark.Core.Outcomes;
using Bulwark.Core.Storage;

namespace Bulwark.Operations;

/// <summary>
/// The blob half of a restore: puts copied blobs into the configured store, then reads every blob the manifest lists
/// back from that store and compares its size and sha256 with what the backup recorded. It runs before the database
/// is restored, so that a backup whose blobs are not all there is refused while nothing of it has been written.
/// </summary>
internal static class BackupBlobCheck
{
    /// <summary>How many paths a refusal lists when not a single blob was found (a misconfigured store, not a loss).</summary>
    private const int ListedWhenNoneFound = 10;

    /// <summary>Each blob that is not as the backup recorded it, one line each, naming its path.</summary>
    public sealed record Findings(IReadOnlyList<string> Problems, int Absent);

    public static async Task<Findings> RunAsync(IBlobStore blobs, BackupManifest manifest, string files, CancellationToken ct)
    {
        var problems = new List<string>();
        if (manifest.BlobsCopied) problems.AddRange(await PutAsync(blobs, files, manifest, ct));
        var absent = 0;
        foreach (var blob in manifest.Blobs)
        {
            await using var stream = await blobs.OpenReadAsync(blob.Path, ct);
            if (stream is null)
            {
                absent++;
                problems.Add($"{blob.Path}: missing (not in the store)");
                continue;
            }
            var (sha256, size) = await BackupFiles.CopyHashingAsync(stream, Stream.Null, ct);
            if (sha256 != blob.Sha256 || size != blob.Size)
            {
                problems.Add($"{blob.Path}: damaged: the store holds {size:N0} bytes hashing to sha256 {sha256}, " +
                             $"the backup recorded {blob.Size:N0} bytes, {blob.Sha256}");
            }
        }
        problems.AddRange(manifest.MissingBlobs.Select(p => $"{p}: was already gone from the store when the backup was taken"));
        return new Findings(problems, absent);
    }

    /// <summary>
    /// The refusal for <paramref name="findings"/>, naming <paramref name="store"/> (where the restore looked). When
    /// not one of the listed objects is there, the store is the wrong one far more often than the objects are lost:
    /// the refusal then says which bucket the backup lists, and no flag lets such a restore through.
    /// </summary>
    public static Refusal? Refuse(Findings findings, BackupManifest manifest, string store, bool allowProblems)
    {
        if (findings.Problems.Count == 0) return null;
        if (!manifest.BlobsCopied && manifest.Blobs.Count > 0 && findings.Absent == manifest.Blobs.Count)
        {
            var listed = manifest.Blobs.Take(ListedWhenNoneFound).Select(b => b.Path).ToList();
            var more = manifest.Blobs.Count - listed.Count;
            return Refusal.NotFound(
                $"Nothing was restored: none of the {manifest.Blobs.Count} objects the backup lists is in {store}; " +
                $"the backup lists the objects of {(manifest.Bucket?.ToString() ?? "an S3 bucket it does not name")}. " +
                "Configure the restore with that bucket and prefix (Bulwark:Storage:S3:Bucket, Bulwark:Storage:S3:Prefix), " +
                "or copy the objects there first. Missing: " + string.Join(", ", listed) + (more > 0 ? $" and {more} more" : "") + ".");
        }
        if (allowProblems) return null;
        var remedy = manifest.BlobsCopied
            ? ""
            : "\nObjects deleted or overwritten since the backup can be brought back from the bucket's object versions or its replica; then run restore again.";
        return Refusal.Conflict(
            $"Nothing was restored: {findings.Problems.Count} of the {manifest.Blobs.Count + manifest.MissingBlobs.Count} blob(s) the backup lists " +
            $"are missing from or damaged in {store}:\n  " + string.Join("\n  ", findings.Problems) + remedy +
            "\n(--allow-missing restores anyway; the index then serves without these files, and fsck names them.)");
    }

    private static async Task<List<string>> PutAsync(IBlobStore blobs, string files, BackupManifest manifest, CancellationToken ct)
    {
        var problems = new List<string>();
        Directory.CreateDirectory(blobs.TempDirectory);
        foreach (var blob in manifest.Blobs)
        {
            var source = BackupFiles.Under(files, blob.Path);
            if (source is null || !File.Exists(source))
            {
                problems.Add($"{blob.Path}: not in the backup's files");
                continue;
            }
            // The store consumes (moves) the file it is given: it gets a copy, never the backup's own file.
            var temp = Path.Combine(blobs.TempDirectory, "restore-" + Guid.NewGuid().ToString("N"));
            try
            {
                File.Copy(source, temp);
                if (await blobs.PutFileAsync(blob.Path, temp, ct) == BlobPutResult.Conflict)
                    problems.Add($"{blob.Path}: the store already holds different bytes at this path");
            }
            finally
            {
                File.Delete(temp);
            }
        }
        return problems;
    }
}
