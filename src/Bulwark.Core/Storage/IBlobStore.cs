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
/// A narrow store of immutable blobs addressed by relative path. Paths are derived from content hashes,
/// so a path never changes meaning.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Moves a finished local file into the store at <paramref name="path"/>. The source file is consumed
    /// on <see cref="BlobPutResult.Created"/> and left in place otherwise.
    /// </summary>
    Task<BlobPutResult> PutFileAsync(string path, string sourceFile, CancellationToken ct = default);

    /// <summary>Writes bytes (small blobs such as extracted metadata).</summary>
    Task<BlobPutResult> PutBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken ct = default);

    /// <summary>Opens a blob for reading, or null if absent.</summary>
    Stream? OpenRead(string path);

    /// <summary>A local file path for zero-copy serving, or null when the store is not local.</summary>
    string? GetLocalPath(string path);

    bool Exists(string path);

    Task<bool> DeleteAsync(string path, CancellationToken ct = default);

    /// <summary>A directory on the same volume for upload temp files, so the final move is an atomic rename.</summary>
    string TempDirectory { get; }
}
