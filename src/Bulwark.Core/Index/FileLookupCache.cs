using Microsoft.Extensions.Caching.Memory;

namespace Bulwark.Core.Index;

/// <summary>
/// File rows by BLAKE2b digest, so a download asks the database only once per file and change. A cached row
/// is valid while its project's <see cref="IndexGenerations"/> value is the one read with it (a quarantine or
/// a removal goes through the journal like every change).
/// </summary>
public sealed class FileLookupCache(IndexLookups lookups, IndexGenerations generations, int maxEntries) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = maxEntries, CompactionPercentage = 0.25 });

    private sealed record Entry(FileLookup? File, long Generation, string? Project);

    public async ValueTask<FileLookup?> FindAsync(string blake2b256, CancellationToken ct)
    {
        if (_cache.TryGetValue(blake2b256, out Entry? hit))
        {
            if (hit!.Project is null ? hit.Generation == generations.Global : hit.Generation == generations.Of(hit.Project)) return hit.File;
        }

        // The project is only known after the read, so its generation cannot be taken before it. The global
        // counter can: if it did not move while the row and the project's generation were read, no change
        // was announced in between, and the row is at least as new as that generation. Otherwise this answer
        // is still correct for this request but is not kept.
        var before = generations.Global;
        var file = await lookups.FindFileAsync(blake2b256, ct);
        var generation = file is null ? before : generations.Of(file.ProjectNormalizedName);
        if (generations.Global == before)
        {
            // Unknown digests are remembered until the next change anywhere (a new upload may add them).
            _cache.Set(blake2b256, new Entry(file, generation, file?.ProjectNormalizedName), new MemoryCacheEntryOptions { Size = 1 });
        }
        return file;
    }

    public void Dispose() => _cache.Dispose();
}
