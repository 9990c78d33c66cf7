using System.ComponentModel.DataAnnotations;

namespace Bulwark.Hosting;

/// <summary>The <c>Bulwark:Index</c> section: the rendered-page cache of the simple and JSON APIs.</summary>
public sealed class IndexOptions
{
    public const string Section = "Bulwark:Index";

    /// <summary>Upper bound of memory held by rendered pages; least recently used pages are dropped first.</summary>
    [Range(1, 1024 * 1024)]
    public int PageCacheMegabytes { get; set; } = 256;

    /// <summary>
    /// How often the journal is read for changes made by other processes (admin verbs, other instances).
    /// Such a change shows here within about this long; changes made by this process show at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan JournalPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>File rows kept for downloads (about 300 bytes each).</summary>
    [Range(1, 100_000_000)]
    public int FileLookupCacheEntries { get; set; } = 200_000;

    /// <summary>Blobs up to this size (metadata files, small wheels) are served from memory.</summary>
    [Range(0, 1024 * 1024)]
    public int SmallBlobKilobytes { get; set; } = 256;

    /// <summary>Memory for those blobs; 0 turns the cache off.</summary>
    [Range(0, 1024 * 1024)]
    public int SmallBlobCacheMegabytes { get; set; } = 64;

    /// <summary>Load the <c>/simple/</c> listing in the background at start, so the first request for it does not wait.</summary>
    public bool WarmRootListing { get; set; } = true;
}
