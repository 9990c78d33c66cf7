namespace Bulwark.Core.Storage;

/// <summary>
/// Intent records for the blobs an upload is about to put into the store. One is written, and flushed to disk,
/// before the first blob; it is deleted once the upload's rows are committed or its blobs removed again. A
/// process that dies in between (killed, power lost) leaves the record behind in the temp directory, and
/// <see cref="Uploads.UploadLeftovers"/> later removes the blobs it names that no row uses. Without it such a
/// blob would stay in the store for good, explained by nothing.
/// </summary>
public static class PendingBlobs
{
    /// <summary>The extension of intent records in <see cref="IBlobStore.TempDirectory"/>.</summary>
    public const string Extension = ".pending";

    /// <summary>Writes a record naming <paramref name="blobPaths"/>; returns its path.</summary>
    public static string Record(string tempDirectory, IEnumerable<string> blobPaths)
    {
        var path = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + Extension);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(file))
        {
            foreach (var blob in blobPaths) writer.WriteLine(blob);
            writer.Flush();
            // Durable before any blob is: a blob that survives a crash must have its record survive too.
            file.Flush(flushToDisk: true);
        }
        return path;
    }

    /// <summary>The blob paths a record names (none when it is empty or unreadable).</summary>
    public static IReadOnlyList<string> Read(string recordPath)
    {
        try
        {
            return File.ReadAllLines(recordPath).Where(l => l.Length > 0).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }
}
