using System.Text.Json;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// One file an upstream lists, as Bulwark keeps it: only files it can verify and attribute (a sha256, a wheel
/// or sdist filename of this very project) are kept at all.
/// </summary>
/// <param name="Url">The upstream's absolute URL of the file (its <c>.metadata</c> is this plus <c>.metadata</c>, PEP 658).</param>
/// <param name="Version">The version as the filename writes it.</param>
/// <param name="MetadataSha256">PEP 658/714 core metadata hash, null when the upstream offers none (or none with a hash).</param>
/// <param name="Size">PEP 700 size, when the upstream says.</param>
/// <param name="UploadTime">PEP 700 upload time, when the upstream says.</param>
public sealed record UpstreamFile(
    string Filename,
    string Url,
    string Sha256,
    string Version,
    string? RequiresPython,
    bool Yanked,
    string? YankedReason,
    string? MetadataSha256,
    long? Size,
    DateTimeOffset? UploadTime)
{
    /// <summary>Where the verified bytes are kept in the blob store (content-addressed by the upstream's sha256).</summary>
    public string BlobPath => UpstreamBlobs.PathFor(Sha256, Filename);
}

/// <summary>An upstream's page for one project, parsed.</summary>
/// <param name="FromJson">Whether the upstream spoke PEP 691 JSON (then sizes and upload times are usually known).</param>
public sealed record UpstreamListing(string NormalizedName, bool FromJson, IReadOnlyList<UpstreamFile> Files)
{
    private static readonly JsonSerializerOptions StoreOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The form kept in <see cref="UpstreamPage.Listing"/>.</summary>
    public string ToStoredJson() => JsonSerializer.Serialize(this, StoreOptions);

    public static UpstreamListing FromStoredJson(string json) =>
        JsonSerializer.Deserialize<UpstreamListing>(json, StoreOptions) ?? throw new InvalidDataException("An upstream page row holds no listing.");
}

/// <summary>The blob-store layout of proxied files, apart from local uploads' (<c>upstream/hh/hh/rest/filename</c>).</summary>
public static class UpstreamBlobs
{
    public const string Prefix = "upstream/";

    public static string PathFor(string sha256, string filename) =>
        $"{Prefix}{sha256[..2]}/{sha256[2..4]}/{sha256[4..]}/{filename}";

    /// <summary>The blobs of one listing (distributions and their <c>.metadata</c> files), each with the sha256 it must have.</summary>
    public static IEnumerable<(string Path, string Sha256)> Of(UpstreamListing listing)
    {
        foreach (var f in listing.Files)
        {
            yield return (f.BlobPath, f.Sha256);
            if (f.MetadataSha256 is not null) yield return (f.BlobPath + ".metadata", f.MetadataSha256);
        }
    }

    /// <summary>
    /// Every proxied blob a held upstream page still lists, with its expected sha256. A blob under <see cref="Prefix"/>
    /// that no page lists is unused: its name became local, or the upstream dropped the project.
    /// </summary>
    public static async Task<Dictionary<string, string>> InUseAsync(BulwarkDbContext db, CancellationToken ct)
    {
        var listings = await db.UpstreamPages.AsNoTracking().Select(p => p.Listing).ToListAsync(ct);
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var listing in listings)
        {
            foreach (var (path, sha256) in Of(UpstreamListing.FromStoredJson(listing))) used[path] = sha256;
        }
        return used;
    }
}
