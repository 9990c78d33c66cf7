using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Bulwark.Core.Storage;
using Bulwark.Storage.S3;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Tests.Storage;

/// <summary>What only the object store does: multipart uploads, their abort, prefixes and presigned downloads.</summary>
public sealed class S3BlobStoreTests : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "bulwark-s3-store-tests", Guid.NewGuid().ToString("N"));
    private S3TestServer _s3 = null!;
    private IAmazonS3 _inspect = null!;

    public async Task InitializeAsync()
    {
        _s3 = await S3TestServer.StartAsync();
        _inspect = _s3.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _inspect.Dispose();
        await _s3.DisposeAsync();
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { }
    }

    private S3BlobStore Store(IAmazonS3? client = null, Action<S3StorageOptions>? configure = null)
    {
        var options = _s3.Options("idx/");
        options.MultipartThreshold = 5 * MiB;
        options.PartSize = S3StorageOptions.MinimumPartSize;
        configure?.Invoke(options);
        return new S3BlobStore(client ?? _s3.CreateClient(), options, _temp, NullLogger<S3BlobStore>.Instance);
    }

    private string TempFile(byte[] content)
    {
        Directory.CreateDirectory(_temp);
        var path = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string NewPath(string filename)
    {
        var hex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return $"{hex[..2]}/{hex[2..4]}/{hex[4..]}/{filename}";
    }

    private async Task<List<MultipartUpload>> UnfinishedUploadsAsync() =>
        (await _inspect.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _s3.Bucket })).MultipartUploads ?? [];

    [Fact]
    public async Task A_large_file_goes_up_in_parts_and_comes_back_whole()
    {
        using var store = Store();
        var content = RandomNumberGenerator.GetBytes((int)(11 * MiB + 123));
        var path = NewPath("big-1.0.tar.gz");

        Assert.Equal(BlobPutResult.Created, await store.PutFileAsync(path, TempFile(content)));

        var stored = await _inspect.GetObjectMetadataAsync(_s3.Bucket, "idx/" + path);
        Assert.Equal(content.Length, stored.ContentLength);
        // A multipart object's ETag is "<md5 of the part md5s>-<part count>" on S3; s3rver uses the plain MD5.
        Assert.Empty(await UnfinishedUploadsAsync());
        await using var read = await store.OpenReadAsync(path);
        Assert.Equal(SHA256.HashData(content), await SHA256.HashDataAsync(read!));
    }

    [Fact]
    public async Task An_interrupted_multipart_upload_is_aborted_and_leaves_no_object_and_no_parts()
    {
        using var client = _s3.CreateClient();
        using var interrupt = new CancellationTokenSource();
        // The client "goes away" as soon as the store has accepted the first part.
        ((AmazonServiceClient)client).AfterResponseEvent += (_, e) =>
        {
            if (e is WebServiceResponseEventArgs { Request: UploadPartRequest }) interrupt.Cancel();
        };
        using var store = Store(client);
        var path = NewPath("interrupted-1.0.tar.gz");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.PutFileAsync(path, TempFile(RandomNumberGenerator.GetBytes((int)(16 * MiB))), interrupt.Token));

        Assert.Empty(await UnfinishedUploadsAsync());
        Assert.False(await store.ExistsAsync(path));
        var objects = await _inspect.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _s3.Bucket });
        Assert.Empty(objects.S3Objects ?? []);
    }

    [Fact]
    public async Task Blobs_live_under_the_prefix_and_listing_sees_only_the_prefix()
    {
        using var store = Store();
        var path = NewPath("pkg-1.0-py3-none-any.whl");
        await store.PutBytesAsync(path, new byte[] { 1, 2, 3 });
        await _inspect.PutObjectAsync(new PutObjectRequest { BucketName = _s3.Bucket, Key = "elsewhere/other.txt", ContentBody = "not ours", UseChunkEncoding = false });

        Assert.Equal(3, (await _inspect.GetObjectMetadataAsync(_s3.Bucket, "idx/" + path)).ContentLength);
        var listed = new List<StoredBlob>();
        await foreach (var blob in store.ListAsync()) listed.Add(blob);
        Assert.Equal([(path, 3L)], listed.Select(b => (b.Path, b.Size)));
    }

    [Fact]
    public async Task Proxy_mode_gives_no_download_url()
    {
        using var store = Store();
        Assert.Null(await store.GetDownloadUrlAsync(NewPath("pkg-1.0.tar.gz"), "application/octet-stream"));
    }

    [Fact]
    public async Task A_presigned_download_url_serves_the_bytes_ranges_and_the_content_type_and_nothing_with_a_forged_signature()
    {
        using var store = Store(configure: o => o.Downloads = S3DownloadMode.Redirect);
        var content = RandomNumberGenerator.GetBytes(10_000);
        var path = NewPath("pkg-1.0-py3-none-any.whl");
        await store.PutBytesAsync(path, content);

        var url = await store.GetDownloadUrlAsync(path, "application/octet-stream");
        Assert.NotNull(url);
        Assert.StartsWith(_s3.ServiceUrl, url.AbsoluteUri);
        using var http = new HttpClient();
        using var whole = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("application/octet-stream", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(content, await whole.Content.ReadAsByteArrayAsync());

        using var ranged = new HttpRequestMessage(HttpMethod.Get, url);
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        using var part = await http.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(content[100..200], await part.Content.ReadAsByteArrayAsync());

        var signature = url.Query.Split('&').Single(p => p.Contains("X-Amz-Signature=", StringComparison.Ordinal));
        var forged = url.AbsoluteUri.Replace(signature, signature[..^4] + (signature.EndsWith("0000", StringComparison.Ordinal) ? "1111" : "0000"), StringComparison.Ordinal);
        using var refused = await http.GetAsync(forged);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_missing_bucket_is_reported_unavailable()
    {
        using var store = new S3BlobStore(_s3.CreateClient(), new S3StorageOptions { ServiceUrl = _s3.ServiceUrl, Bucket = "no-such-bucket", ForcePathStyle = true },
            _temp, NullLogger<S3BlobStore>.Instance);
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => store.CheckAvailableAsync());
    }

    [Fact]
    public void Settings_outside_what_S3_accepts_are_named()
    {
        var problems = new S3StorageOptions { Bucket = "", ServiceUrl = "ftp://x", PartSize = 1024, RedirectLifetime = TimeSpan.FromDays(8), Prefix = "a/../b" }.Problems();
        Assert.Contains(problems, p => p.StartsWith("Bulwark:Storage:S3:Bucket", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Bulwark:Storage:S3:ServiceUrl", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Bulwark:Storage:S3:PartSize", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Bulwark:Storage:S3:RedirectLifetime", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Bulwark:Storage:S3:Prefix", StringComparison.Ordinal));
        Assert.Empty(new S3StorageOptions { Bucket = "b" }.Problems());
    }
}
