using System.Net;
using System.Net.Http.Headers;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Index;

/// <summary>
/// <c>Bulwark:Storage:S3:Downloads=Redirect</c>: a recorded file is answered with a redirect to a presigned URL on
/// the object store, which serves the bytes, ranges and the content type; what Bulwark would refuse it still refuses.
/// </summary>
public sealed class FileRedirectTests(S3RedirectServer server) : IClassFixture<S3RedirectServer>
{
    private readonly HttpClient _bulwark = server.CreateRawClient();
    private readonly HttpClient _store = new();

    [Fact]
    public async Task A_file_redirects_to_a_presigned_url_that_serves_it_and_its_ranges()
    {
        var wheel = (await server.SeedAsync(new ReleaseSeed("redir-basic", "1.0"))).Single();

        var response = await _bulwark.GetAsync(wheel.UrlPath);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var target = response.Headers.Location!;
        Assert.StartsWith(server.S3.ServiceUrl + "/" + server.S3.Bucket + "/index/" + wheel.BlobPath + "?", target.AbsoluteUri);
        Assert.Contains("X-Amz-Signature=", target.Query);
        Assert.True(response.Headers.CacheControl!.NoStore, "a redirect to an expiring URL is not cached");

        var whole = await _store.GetAsync(target);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(wheel.Content, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", whole.Content.Headers.ContentType!.MediaType);

        // A client resuming a download sends its Range to Bulwark, follows the redirect and sends it again.
        var ranged = new HttpRequestMessage(HttpMethod.Get, wheel.UrlPath);
        ranged.Headers.Range = new RangeHeaderValue(10, 29);
        var redirected = await _bulwark.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        var again = new HttpRequestMessage(HttpMethod.Get, redirected.Headers.Location);
        again.Headers.Range = new RangeHeaderValue(10, 29);
        var partial = await _store.SendAsync(again);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(wheel.Content[10..30], await partial.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Metadata_redirects_with_its_text_content_type()
    {
        var wheel = (await server.SeedAsync(new ReleaseSeed("redir-metadata", "1.0"))).Single();
        var response = await _bulwark.GetAsync(wheel.UrlPath + ".metadata");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var metadata = await _store.GetAsync(response.Headers.Location);
        Assert.Equal("text/plain", metadata.Content.Headers.ContentType!.MediaType);
        Assert.Equal(wheel.Metadata, await metadata.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_redirected_full_download_is_counted_and_a_ranged_one_is_not()
    {
        var wheel = (await server.SeedAsync(new ReleaseSeed("redir-count", "1.0"))).Single();
        await _bulwark.GetAsync(wheel.UrlPath);
        var ranged = new HttpRequestMessage(HttpMethod.Get, wheel.UrlPath);
        ranged.Headers.Range = new RangeHeaderValue(0, 9);
        await _bulwark.SendAsync(ranged);
        await _bulwark.SendAsync(new HttpRequestMessage(HttpMethod.Head, wheel.UrlPath));

        await server.Services.GetRequiredService<DownloadCountFlusher>().FlushAsync();
        var counted = await server.WithDbAsync(db => db.DownloadCounts.Where(d => d.FileId == wheel.Id).SumAsync(d => d.Count));
        Assert.Equal(1, counted);
    }

    [Fact]
    public async Task Unrecorded_and_quarantined_files_are_still_404_without_a_redirect()
    {
        var wheel = (await server.SeedAsync(new ReleaseSeed("redir-quarantined", "1.0"))).Single();
        Assert.Equal(HttpStatusCode.Redirect, (await _bulwark.GetAsync(wheel.UrlPath)).StatusCode);
        await server.SetProjectLifecycleAsync("redir-quarantined", Bulwark.Core.Packaging.ProjectLifecycle.Quarantined);
        Assert.Equal(HttpStatusCode.NotFound, (await _bulwark.GetAsync(wheel.UrlPath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bulwark.GetAsync("/files/00/00/" + new string('0', 60) + "/x-1.0.tar.gz")).StatusCode);
    }
}
