using Bulwark.Core.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace Bulwark.Core.Index;

/// <summary>
/// The bytes of small blobs (PEP 658 metadata files, small wheels) kept in memory, so the hottest downloads
/// cost no open/read/close. Blobs are content-addressed and never change, so nothing here is ever stale;
/// whether a blob may be served at all is decided before, from <see cref="FileLookupCache"/>.
/// </summary>
public sealed class SmallBlobCache(IBlobStore blobs, long maxBlobBytes, long totalBytes) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = totalBytes, CompactionPercentage = 0.25 });

    /// <summary>The blob's bytes when it is at most the size limit; null for larger or missing blobs.</summary>
    public async ValueTask<byte[]?> GetAsync(string blobPath, long knownSize, CancellationToken ct)
    {
        if (_cache.TryGetValue(blobPath, out byte[]? bytes)) return bytes;
        if (knownSize > maxBlobBytes || totalBytes == 0) return null;
        await using var stream = await blobs.OpenReadAsync(blobPath, ct);
        if (stream is null || stream.Length > maxBlobBytes) return null;
        bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, ct);
        _cache.Set(blobPath, bytes, new MemoryCacheEntryOptions { Size = bytes.Length + blobPath.Length * 2 + 64 });
        return bytes;
    }

    public void Dispose() => _cache.Dispose();
}
