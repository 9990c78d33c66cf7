using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Core.Packaging;
using Bulwark.Core.Storage;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Index;

public abstract class FileDownloadTests<TServer>(TServer server) where TServer : BulwarkServer
{
    private readonly HttpClient _client = server.CreateRawClient();

    [Fact]
    public async Task A_file_is_served_with_immutable_caching_and_a_sha256_etag()
    {
        var wheel = (await server.SeedAsync(new ReleaseSeed("dl-basic", "1.0"))).Single();
        var response = await _client.GetAsync(wheel.UrlPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(wheel.Content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", response.MediaType());
        Assert.Null(response.Content.Headers.ContentEncoding.FirstOrDefault());
        Assert.Equal(wheel.Content.Length, response.Content.Headers.ContentLength);
        Assert.Equal($"\"{wheel.Sha256}\"", response.Headers.ETag!.Tag);
        Assert.False(response.Headers.ETag.IsWeak);
        Assert.True(response.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl.MaxAge);
        Assert.Contains("immutable", response.Headers.CacheControl.Extensions.Select(e => e.Name));
        Assert.Equal("bytes", response.Header("Accept-Ranges"));
        Assert.NotNull(response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task Ranges_heads_and_revalidation_follow_http_semantics()
    {
        var wheel = (await server.SeedAsync(new ReleaseSeed("dl-ranges", "1.0"))).Single();
        var size = wheel.Content.Length;

        var range = new HttpRequestMessage(HttpMethod.Get, wheel.UrlPath);
        range.Headers.Range = new RangeHeaderValue(10, 29);
        var partial = await _client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal($"bytes 10-29/{size}", partial.Content.Headers.ContentRange!.ToString());
        Assert.Equal(wheel.Content[10..30], await partial.Content.ReadAsByteArrayAsync());

        var beyond = new HttpRequestMessage(HttpMethod.Get, wheel.UrlPath);
        beyond.Headers.Range = new RangeHeaderValue(size + 10, null);
        var unsatisfiable = await _client.SendAsync(beyond);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
        Assert.Equal($"bytes */{size}", unsatisfiable.Content.Headers.ContentRange!.ToString());

        var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, wheel.UrlPath));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(size, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{wheel.Sha256}\"", head.Headers.ETag!.Tag);

        var conditional = new HttpRequestMessage(HttpMethod.Get, wheel.UrlPath);
        conditional.IfNoneMatch($"\"{wheel.Sha256}\"");
        var notModified = await _client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Metadata_is_served_next_to_the_wheel_and_matches_its_advertised_hash()
    {
        var files = await server.SeedAsync(new ReleaseSeed("dl-meta", "1.0") { Sdist = true });
        var wheel = files.Single(f => f.Filename.EndsWith(".whl"));
        var sdist = files.Single(f => f.Filename.EndsWith(".tar.gz"));

        var response = await _client.GetAsync(wheel.UrlPath + ".metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(wheel.Metadata, Encoding.UTF8.GetString(body));
        Assert.Equal(wheel.MetadataSha256, Convert.ToHexStringLower(SHA256.HashData(body)));
        Assert.Equal($"\"{wheel.MetadataSha256}\"", response.Headers.ETag!.Tag);
        Assert.Equal("text/plain", response.MediaType());

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(sdist.UrlPath + ".metadata")).StatusCode);
    }

    [Fact]
    public async Task Only_files_recorded_in_the_database_are_served()
    {
        var wheel = (await server.SeedAsync(new ReleaseSeed("dl-strict", "1.0"))).Single();
        var dir = wheel.UrlPath[..(wheel.UrlPath.LastIndexOf('/') + 1)];

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(dir + "other-1.0-py3-none-any.whl")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(dir.ToUpperInvariant().Replace("/FILES/", "/files/") + wheel.Filename)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/files/00/00/" + new string('0', 60) + "/" + wheel.Filename)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/files/ab/cd/ef/" + wheel.Filename)).StatusCode);

        // A blob in the store with no database row stays invisible.
        var orphan = Encoding.UTF8.GetBytes("not a distribution");
        var digests = FileDigests.Compute(orphan);
        await server.Services.GetRequiredService<IBlobStore>().PutBytesAsync(digests.BlobPath("orphan-1.0.tar.gz"), orphan);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/files/" + digests.BlobPath("orphan-1.0.tar.gz"))).StatusCode);
    }

    [Fact]
    public async Task Files_of_quarantined_projects_and_releases_are_404()
    {
        var projectFile = (await server.SeedAsync(new ReleaseSeed("dl-quarantined", "1.0"))).Single();
        var releaseFile = (await server.SeedAsync(new ReleaseSeed("dl-release-quarantined", "1.0") { Lifecycle = ReleaseLifecycle.Quarantined })).Single();
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(projectFile.UrlPath)).StatusCode);

        await server.SetProjectLifecycleAsync("dl-quarantined", ProjectLifecycle.Quarantined);

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(projectFile.UrlPath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(projectFile.UrlPath + ".metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(releaseFile.UrlPath)).StatusCode);
    }
}

public sealed class FileDownloadTestsSqlite(SqliteServer server) : FileDownloadTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class FileDownloadTestsPostgres(PostgresServer server) : FileDownloadTests<PostgresServer>(server), IClassFixture<PostgresServer>;

/// <summary>The same downloads streamed from object storage: ranges, HEAD and revalidation over the object store's reads.</summary>
public sealed class FileDownloadTestsS3(S3StreamingServer server) : FileDownloadTests<S3StreamingServer>(server), IClassFixture<S3StreamingServer>;
