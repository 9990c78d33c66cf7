using System.Collections.Concurrent;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Upstreams;

/// <summary>A proxied file ready to serve from the blob store.</summary>
/// <param name="BlobPath">Where the verified bytes are.</param>
/// <param name="Sha256">The sha256 of those bytes (the distribution's, or the metadata file's).</param>
/// <param name="FetchedNow">Whether this request brought it from the upstream (false: it was already stored).</param>
/// <param name="Size">The blob's size when known (from the download or the upstream's listing).</param>
public sealed record StoredUpstreamFile(string BlobPath, string Sha256, bool FetchedNow, long? Size);

/// <summary>
/// Brings proxied files into the blob store on first request and serves them from there afterwards. The bytes
/// are hashed while they stream from the upstream to a temp file; only a file whose sha256 equals the one the
/// upstream's page listed is stored. A mismatch is logged, audited and refused: nothing is stored and nothing
/// is served, so a tampered mirror or CDN cannot reach an installer through Bulwark. Concurrent first requests
/// for one file share one download (single flight), and one malware scan (<see cref="ProxiedFileScanning"/>).
/// </summary>
public sealed class UpstreamFiles(
    UpstreamProxy proxy, IUpstreamClient client, IBlobStore blobs, IOptions<UpstreamProxyOptions> options, IServiceScopeFactory scopes,
    ILogger<UpstreamFiles> log)
{
    private const string MetadataSuffix = ".metadata";

    private readonly ConcurrentDictionary<string, Lazy<Task<Outcome<StoredUpstreamFile>>>> _inFlight = new(StringComparer.Ordinal);

    // Blobs known to be stored, with their size (-1: unknown): they never change (content-addressed), so no
    // invalidation is needed; bounded.
    private readonly ConcurrentDictionary<string, long> _stored = new(StringComparer.Ordinal);

    /// <summary>Downloads started from upstreams (distributions and metadata files); lets tests count them.</summary>
    public long Downloads => Interlocked.Read(ref _downloads);
    private long _downloads;

    /// <param name="sha256">The distribution's sha256 as in the URL.</param>
    /// <param name="filename">The last URL segment: the distribution's filename, or it plus <c>.metadata</c>.</param>
    public async Task<Outcome<StoredUpstreamFile>> GetAsync(string sha256, string filename, CancellationToken ct)
    {
        var metadata = filename.EndsWith(MetadataSuffix, StringComparison.Ordinal);
        var distribution = metadata ? filename[..^MetadataSuffix.Length] : filename;
        var name = ProjectOf(distribution);
        if (name is null) return Refusal.NotFound("Not a distribution filename.");

        // The guard and the gates apply to every file request, not only to pages: a stored file of a name that
        // has since become local, or of a version since blocked, is not served.
        if (!(await proxy.GetHeldAsync(name, ct)).TryGetValue(out var page, out var refusal)) return refusal;
        var file = page.Find(sha256, distribution);
        if (file is null) return Refusal.NotFound($"'{distribution}' is not listed for '{name}'.");
        if (metadata && file.MetadataSha256 is null) return Refusal.NotFound($"'{distribution}' has no metadata file.");

        var path = metadata ? file.BlobPath + MetadataSuffix : file.BlobPath;
        var expected = metadata ? file.MetadataSha256! : file.Sha256;
        if (_stored.TryGetValue(path, out var known)) return new StoredUpstreamFile(path, expected, FetchedNow: false, known >= 0 ? known : null);
        if (await blobs.ExistsAsync(path, ct))
        {
            var size = metadata ? null : file.Size;
            Remember(path, size);
            return new StoredUpstreamFile(path, expected, FetchedNow: false, size);
        }
        if (page.OfflineUpstream) return Refusal.Unavailable($"'{filename}' is not cached and the upstream is offline.");

        var upstream = options.Value.Active.Select(a => a.Upstream).First(u => u.Url == page.UpstreamUrl);
        var url = metadata ? file.Url + MetadataSuffix : file.Url;
        var flight = _inFlight.GetOrAdd(path, _ => new Lazy<Task<Outcome<StoredUpstreamFile>>>(
            () => FetchAsync(name, metadata ? null : file.Version, metadata ? filename : distribution, url, path, expected, upstream)));
        try
        {
            return await flight.Value.WaitAsync(ct);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<Outcome<StoredUpstreamFile>>>>(path, flight));
        }
    }

    /// <param name="version">The distribution's version; null for a metadata file, which is not scanned (the distribution is).</param>
    private async Task<Outcome<StoredUpstreamFile>> FetchAsync(string name, string? version, string filename, string url, string path, string expected,
        UpstreamOptions upstream)
    {
        Directory.CreateDirectory(blobs.TempDirectory);
        var temp = Path.Combine(blobs.TempDirectory, "upstream-" + Guid.NewGuid().ToString("N"));
        try
        {
            Interlocked.Increment(ref _downloads);
            var downloaded = await client.DownloadAsync(url, temp, upstream.MaxFileSize, upstream.Timeout, upstream.FileTimeout, CancellationToken.None);
            if (!downloaded.TryGetValue(out var download, out var refusal))
            {
                log.LogWarning("Fetching {Url} for {Project} failed: {Reason}", url, name, refusal.Message);
                return refusal;
            }
            if (!string.Equals(download.Sha256, expected, StringComparison.Ordinal))
            {
                // The one check that makes proxied bytes trustworthy: the page promised these bytes, the file
                // host sent others. Whatever the cause (tampering, a corrupt mirror), nothing of it is kept.
                log.LogError("Refused {Url} for {Project}: sha256 {Received} does not match the listed {Expected}.", url, name, download.Sha256, expected);
                await AuditRefusalAsync(new UpstreamFileRefusedDetails(name, filename, url, expected, download.Sha256, download.Size));
                return Refusal.Invalid($"The upstream's '{filename}' does not match the sha256 its index lists; it was refused.");
            }
            // Scanned before it is stored: a stored file is a scanned one, so the scan runs once per file (this
            // download is single-flight) and never per request. A malicious file is stored all the same, behind
            // its release's quarantine, so that an administrator who lifts the quarantine gets it served without a second scan.
            var scanned = version is null ? Outcome.Ok() : await ScanAsync(name, version, filename, temp);
            if (!scanned.Succeeded && scanned.Refusal!.Kind != RefusalKind.Forbidden) return scanned.Refusal;
            var put = await blobs.PutFileAsync(path, temp, CancellationToken.None);
            if (put == BlobPutResult.Conflict)
            {
                log.LogError("Blob {Path} holds other bytes than the verified upstream file.", path);
                return Refusal.Conflict($"'{filename}' could not be stored.");
            }
            if (!scanned.Succeeded) return scanned.Refusal!;
            Remember(path, download.Size);
            return new StoredUpstreamFile(path, expected, FetchedNow: true, download.Size);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task<Outcome> ScanAsync(string name, string version, string filename, string temp)
    {
        // A malicious verdict quarantines the release, which needs the page row: the page may have been answered a
        // moment ago and not be stored yet.
        await proxy.FlushAsync(name);
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProxiedFileScanning>().CheckAsync(name, version, filename, temp, CancellationToken.None);
    }

    private async Task AuditRefusalAsync(UpstreamFileRefusedDetails details)
    {
        await using var scope = scopes.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        audit.Record(AuditEventType.UpstreamFileRefused, new Actor(null, "bulwark upstream proxy"), null, null, details);
        await scope.ServiceProvider.GetRequiredService<BulwarkDbContext>().SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Drops <paramref name="path"/> from what this instance knows to be stored (the store lost it).</summary>
    public void Forget(string path) => _stored.TryRemove(path, out _);

    private void Remember(string path, long? size)
    {
        if (_stored.Count > 100_000) _stored.Clear();
        _stored.TryAdd(path, size ?? -1);
    }

    private static string? ProjectOf(string filename) =>
        Packaging.WheelFilename.TryParse(filename, out var wheel, out _) ? wheel.NormalizedName
        : Packaging.SdistFilename.TryParse(filename, out var sdist) ? sdist.NormalizedName : null;
}
