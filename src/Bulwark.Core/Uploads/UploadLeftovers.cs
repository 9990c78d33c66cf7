using Bulwark.Core.Data;
using Bulwark.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Uploads;

/// <summary>What one sweep removed.</summary>
public sealed record UploadLeftoversSwept(int TempFiles, int Blobs);

/// <summary>
/// Removes what interrupted uploads left behind: temp files in the blob store's temp directory, and blobs named
/// by a <see cref="PendingBlobs"/> record that no file row uses (the process died between putting the blob and
/// committing its row, or the database was unreachable when the upload tried to clean up). Runs at start-up and
/// periodically; only files untouched for <see cref="StaleAfter"/> are taken, so uploads still in progress in
/// another process sharing the data directory keep theirs.
/// </summary>
public sealed class UploadLeftovers(BulwarkDbContext db, IBlobStore blobs, TimeProvider time)
{
    /// <summary>
    /// Age after which a temp file counts as abandoned. An upload in progress writes its temp file continuously
    /// and commits within seconds of the last byte, so an hour leaves a wide margin.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    public async Task<UploadLeftoversSwept> SweepAsync(CancellationToken ct)
    {
        var cutoff = (time.GetUtcNow() - StaleAfter).UtcDateTime;
        int temps = 0, removedBlobs = 0;
        if (!Directory.Exists(blobs.TempDirectory)) return new(0, 0);
        foreach (var file in Directory.EnumerateFiles(blobs.TempDirectory))
        {
            ct.ThrowIfCancellationRequested();
            if (File.GetLastWriteTimeUtc(file) > cutoff) continue;
            if (file.EndsWith(PendingBlobs.Extension, StringComparison.Ordinal))
            {
                foreach (var blob in PendingBlobs.Read(file))
                {
                    if (!await IsReferencedAsync(blob, ct) && await DeleteAsync(blob)) removedBlobs++;
                }
            }
            File.Delete(file);
            temps++;
        }
        return new(temps, removedBlobs);
    }

    /// <summary>A distribution blob is used by its file row; its <c>.metadata</c> companion by the same row.</summary>
    private Task<bool> IsReferencedAsync(string blob, CancellationToken ct)
    {
        var main = blob.EndsWith(".metadata", StringComparison.Ordinal) ? blob[..^".metadata".Length] : blob;
        return db.Files.AsNoTracking().AnyAsync(f => f.BlobPath == main, ct);
    }

    private async Task<bool> DeleteAsync(string blob)
    {
        try
        {
            return await blobs.DeleteAsync(blob, CancellationToken.None);
        }
        catch (ArgumentException)
        {
            // A record naming a path outside the store was not written by Bulwark; the store refuses it.
            return false;
        }
    }
}
