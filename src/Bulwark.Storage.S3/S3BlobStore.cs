using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Bulwark.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Bulwark.Storage.S3;

/// <summary>
/// Blobs as objects in an S3-compatible bucket, under <see cref="S3StorageOptions.Prefix"/>. Uploads arrive as
/// finished, hashed temp files on local disk and are sent from there (large ones as multipart uploads), so no
/// file is ever held in memory. An object appears only when its upload completes (S3 writes are atomic), writes
/// ask the store not to overwrite (<c>If-None-Match: *</c>), and a key that exists already is compared instead.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private const string DistributionContentType = "application/octet-stream";
    private const string MetadataContentType = "text/plain; charset=utf-8";

    private readonly IAmazonS3 _client;
    private readonly S3StorageOptions _options;
    private readonly string _prefix;
    private readonly S3WriteSettings _write;
    private readonly S3MultipartUpload _multipart;
    private readonly Protocol _protocol;

    /// <param name="tempDirectory">A local directory for upload temp files.</param>
    public S3BlobStore(IAmazonS3 client, S3StorageOptions options, string tempDirectory, ILogger<S3BlobStore> logger)
    {
        _client = client;
        _options = options;
        _prefix = options.NormalizedPrefix;
        var https = string.IsNullOrWhiteSpace(options.ServiceUrl) || options.ServiceUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        _protocol = https ? Protocol.HTTPS : Protocol.HTTP;
        // Over TLS the body is already protected in transit, so the SDK need not read every file twice to sign its
        // hash; over plain HTTP (a store on the same host or network) the payload is signed.
        _write = new S3WriteSettings(options.Bucket, DisablePayloadSigning: https);
        _multipart = new S3MultipartUpload(client, _write, logger);
        TempDirectory = Path.GetFullPath(tempDirectory);
        Directory.CreateDirectory(TempDirectory);
    }

    public string TempDirectory { get; }

    public async Task<BlobPutResult> PutFileAsync(string path, string sourceFile, CancellationToken ct = default)
    {
        var key = Key(path);
        var size = new FileInfo(sourceFile).Length;
        // The key carries the BLAKE2b-256 digest of the bytes, and an object is never partially visible, so an
        // object of the same size under the same key holds the same bytes; a different size means different bytes.
        if (await SizeAsync(key, ct) is { } existing) return existing == size ? BlobPutResult.AlreadyExists : BlobPutResult.Conflict;
        try
        {
            if (size >= _options.MultipartThreshold)
            {
                await _multipart.RunAsync(key, sourceFile, size, _options.PartSize, ContentTypeOf(path), ct);
            }
            else
            {
                await PutAsync(new PutObjectRequest { Key = key, FilePath = sourceFile, ContentType = ContentTypeOf(path) }, ct);
            }
            return BlobPutResult.Created;
        }
        catch (AmazonS3Exception e) when (LostRace(e))
        {
            return await SizeAsync(key, CancellationToken.None) == size ? BlobPutResult.AlreadyExists : BlobPutResult.Conflict;
        }
    }

    public async Task<BlobPutResult> PutBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        var key = Key(path);
        if (await ExistingBytesAsync(key, ct) is { } existing) return Same(existing, bytes);
        var array = MemoryMarshal.TryGetArray(bytes, out var segment) ? segment : new ArraySegment<byte>(bytes.ToArray());
        try
        {
            using var body = new MemoryStream(array.Array!, array.Offset, array.Count, writable: false);
            await PutAsync(new PutObjectRequest { Key = key, InputStream = body, AutoCloseStream = false, ContentType = ContentTypeOf(path) }, ct);
            return BlobPutResult.Created;
        }
        catch (AmazonS3Exception e) when (LostRace(e))
        {
            return await ExistingBytesAsync(key, CancellationToken.None) is { } now ? Same(now, bytes) : BlobPutResult.Conflict;
        }
    }

    public async Task<Stream?> OpenReadAsync(string path, CancellationToken ct = default) =>
        await S3ObjectStream.OpenAsync(_client, _options.Bucket, Key(path), ct);

    public string? GetLocalPath(string path) => null;

    public async ValueTask<Uri?> GetDownloadUrlAsync(string path, string contentType, CancellationToken ct = default)
    {
        if (_options.Downloads != S3DownloadMode.Redirect) return null;
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = Key(path),
            Verb = HttpVerb.GET,
            Protocol = _protocol,
            // The SDK counts the lifetime from its own (skew-corrected) clock, so this is real time, not the
            // domain clock: a replaced TimeProvider would make URLs that expire at once or never validate.
            Expires = DateTime.UtcNow + _options.RedirectLifetime,
        };
        request.ResponseHeaderOverrides.ContentType = contentType;
        return new Uri(await _client.GetPreSignedURLAsync(request));
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken ct = default) => await SizeAsync(Key(path), ct) is not null;

    public async Task<bool> DeleteAsync(string path, CancellationToken ct = default)
    {
        var key = Key(path);
        // S3 answers a delete the same whether or not the object was there; the question is asked first.
        if (await SizeAsync(key, ct) is null) return false;
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = key }, ct);
        return true;
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _prefix };
        do
        {
            var page = await _client.ListObjectsV2Async(request, ct);
            foreach (var item in page.S3Objects ?? [])
            {
                if (item.Key.StartsWith(_prefix, StringComparison.Ordinal) && item.Key.Length > _prefix.Length)
                {
                    yield return new StoredBlob(item.Key[_prefix.Length..], item.Size ?? 0,
                        item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue);
                }
            }
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    /// <summary>One listing of at most one key: needs only the list permission that operating the index needs anyway.</summary>
    public Task CheckAvailableAsync(CancellationToken ct = default) =>
        _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _prefix, MaxKeys = 1 }, ct);

    public void Dispose() => _client.Dispose();

    private Task PutAsync(PutObjectRequest request, CancellationToken ct)
    {
        request.BucketName = _write.Bucket;
        request.IfNoneMatch = "*";
        // aws-chunked bodies with per-chunk signatures are not understood by every S3-compatible server.
        request.UseChunkEncoding = false;
        request.DisablePayloadSigning = _write.DisablePayloadSigning;
        request.Headers.CacheControl = _write.CacheControl;
        return _client.PutObjectAsync(request, ct);
    }

    /// <summary>The store refused our conditional write because another writer created the key meanwhile.</summary>
    private static bool LostRace(AmazonS3Exception e) => e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict;

    private async Task<long?> SizeAsync(string key, CancellationToken ct)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, ct);
            return head.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A small object's bytes, for an exact comparison; null when absent.</summary>
    private async Task<byte[]?> ExistingBytesAsync(string key, CancellationToken ct)
    {
        await using var stream = await S3ObjectStream.OpenAsync(_client, _options.Bucket, key, ct);
        if (stream is null) return null;
        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    private static BlobPutResult Same(byte[] existing, ReadOnlyMemory<byte> bytes) =>
        existing.AsSpan().SequenceEqual(bytes.Span) ? BlobPutResult.AlreadyExists : BlobPutResult.Conflict;

    private static string ContentTypeOf(string path) =>
        path.EndsWith(".metadata", StringComparison.Ordinal) ? MetadataContentType : DistributionContentType;

    private string Key(string path)
    {
        // Paths come from Bulwark's own hash-derived layout; anything that could name another key space is refused.
        if (path.Length == 0 || path.Contains('\\') || path.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"Blob path '{path}' is not a plain relative path.", nameof(path));
        }
        return _prefix + path;
    }
}
