namespace Bulwark.Core.Storage;

/// <summary>
/// Blobs as files under a root directory. Writes go to a temp file on the same volume, are flushed to
/// disk, then renamed into place without overwrite, so a reader never sees a partial blob and an existing
/// blob is never replaced.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string _root;

    public FileSystemBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
        TempDirectory = Path.Combine(_root, ".tmp");
        Directory.CreateDirectory(TempDirectory);
    }

    public string TempDirectory { get; }

    public async Task<BlobPutResult> PutFileAsync(string path, string sourceFile, CancellationToken ct = default)
    {
        var target = Resolve(path);
        if (File.Exists(target))
        {
            return await SameContentAsync(target, sourceFile, ct) ? BlobPutResult.AlreadyExists : BlobPutResult.Conflict;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        FlushToDisk(sourceFile);
        try
        {
            File.Move(sourceFile, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Lost a race with an identical upload; compare instead of replacing.
            return await SameContentAsync(target, sourceFile, ct) ? BlobPutResult.AlreadyExists : BlobPutResult.Conflict;
        }
        return BlobPutResult.Created;
    }

    public async Task<BlobPutResult> PutBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        var temp = Path.Combine(TempDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await fs.WriteAsync(bytes, ct);
            }
            return await PutFileAsync(path, temp, ct);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public Task<Stream?> OpenReadAsync(string path, CancellationToken ct = default)
    {
        var target = Resolve(path);
        try
        {
            return Task.FromResult<Stream?>(new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (FileNotFoundException) { return Task.FromResult<Stream?>(null); }
        catch (DirectoryNotFoundException) { return Task.FromResult<Stream?>(null); }
    }

    public string? GetLocalPath(string path) => Resolve(path);

    /// <summary>Local files are always served by Bulwark itself.</summary>
    public ValueTask<Uri?> GetDownloadUrlAsync(string path, string contentType, CancellationToken ct = default) => ValueTask.FromResult<Uri?>(null);

    public Task<bool> ExistsAsync(string path, CancellationToken ct = default) => Task.FromResult(File.Exists(Resolve(path)));

    public Task<bool> DeleteAsync(string path, CancellationToken ct = default)
    {
        var target = Resolve(path);
        if (!File.Exists(target)) return Task.FromResult(false);
        File.Delete(target);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.Yield();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 };
        foreach (var file in new DirectoryInfo(_root).EnumerateFiles("*", options))
        {
            ct.ThrowIfCancellationRequested();
            if (file.FullName.StartsWith(TempDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            yield return new StoredBlob(Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/'), file.Length,
                new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
        }
    }

    /// <summary>
    /// Writes and removes a probe file in the temp directory: a missing, read-only or full volume fails here
    /// rather than in the middle of an upload.
    /// </summary>
    public async Task CheckAvailableAsync(CancellationToken ct = default)
    {
        var probe = Path.Combine(TempDirectory, ".probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(probe, [1], ct);
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private string Resolve(string path)
    {
        // Paths come from our own hash-derived layout, but refuse anything that would escape the root.
        var full = Path.GetFullPath(Path.Combine(_root, path));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || full.StartsWith(TempDirectory, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob path '{path}' is outside the store.", nameof(path));
        }
        return full;
    }

    private static void FlushToDisk(string file)
    {
        using var fs = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        fs.Flush(flushToDisk: true);
    }

    private static async Task<bool> SameContentAsync(string a, string b, CancellationToken ct)
    {
        var fa = new FileInfo(a);
        var fb = new FileInfo(b);
        if (fa.Length != fb.Length) return false;
        await using var sa = fa.OpenRead();
        await using var sb = fb.OpenRead();
        var ba = new byte[81920];
        var bb = new byte[81920];
        while (true)
        {
            var na = await sa.ReadAtLeastAsync(ba, ba.Length, throwOnEndOfStream: false, ct);
            var nb = await sb.ReadAtLeastAsync(bb, bb.Length, throwOnEndOfStream: false, ct);
            if (na != nb || !ba.AsSpan(0, na).SequenceEqual(bb.AsSpan(0, nb))) return false;
            if (na == 0) return true;
        }
    }
}
