namespace Bulwark.Core.Storage;

public enum BlobPutResult
{
    /// <summary>The blob was written and is durable.</summary>
    Created,
    /// <summary>A blob with identical bytes already exists at that path.</summary>
    AlreadyExists,
    /// <summary>Different bytes already exist at that path; nothing was written.</summary>
    Conflict,
}

/// <summary>
/// One stored blob, as listed by <see cref="IBlobStore.ListAsync"/>. <paramref name="LastModified"/> (UTC) tells a
/// consistency check an abandoned blob from one an upload in progress has just written.
/// </summary>
public sealed record StoredBlob(string Path, long Size, DateTimeOffset LastModified);

/// <summary>
/// A narrow store of immutable blobs addressed by relative path. Paths are derived from content hashes,
/// so a path never changes meaning. Implementations: the local file system (the default) and S3-compatible
/// object storage (<c>Bulwark.Storage.S3</c>). Every operation that may cross a network is asynchronous.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Stores a finished local file at <paramref name="path"/>. On <see cref="BlobPutResult.Created"/> a local
    /// store consumes the source file (it is moved into place) and a remote store leaves it where it is; on the
    /// other results it is always left in place. The caller deletes whatever is left.
    /// </summary>
    Task<BlobPutResult> PutFileAsync(string path, string sourceFile, CancellationToken ct = default);

    /// <summary>Writes bytes (small blobs such as extracted metadata).</summary>
    Task<BlobPutResult> PutBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken ct = default);

    /// <summary>
    /// Opens a blob for reading, or null if absent. The stream is seekable and knows its length, so range
    /// requests are served from it; a remote store fetches only the bytes that are read.
    /// </summary>
    Task<Stream?> OpenReadAsync(string path, CancellationToken ct = default);

    /// <summary>A local file path for serving straight from disk, or null when the store is not local.</summary>
    string? GetLocalPath(string path);

    /// <summary>
    /// A short-lived URL from which a client may fetch the blob itself (the download endpoint then redirects
    /// there), or null when downloads go through Bulwark. Whether the blob exists is not checked.
    /// </summary>
    ValueTask<Uri?> GetDownloadUrlAsync(string path, string contentType, CancellationToken ct = default);

    Task<bool> ExistsAsync(string path, CancellationToken ct = default);

    /// <returns>Whether there was a blob to delete.</returns>
    Task<bool> DeleteAsync(string path, CancellationToken ct = default);

    /// <summary>Every stored blob (upload temp files excluded), in no particular order.</summary>
    IAsyncEnumerable<StoredBlob> ListAsync(CancellationToken ct = default);

    /// <summary>Throws when the store cannot be used right now (readiness checks); returns quickly otherwise.</summary>
    Task CheckAvailableAsync(CancellationToken ct = default);

    /// <summary>
    /// A local directory for upload temp files. For the file system store it is on the same volume, so the
    /// final move is an atomic rename; an object store uploads from there.
    /// </summary>
    string TempDirectory { get; }
}
