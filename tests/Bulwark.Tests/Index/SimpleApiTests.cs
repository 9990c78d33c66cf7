using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Index;

public abstract class SimpleApiTests<TServer>(TServer server) where TServer : BulwarkServer
{
    private readonly HttpClient _client = server.CreateRawClient();

    [Fact]
    public async Task Pip_gets_the_json_detail_page_with_every_file_field()
    {
        var files = await server.SeedAsync(new ReleaseSeed("Json_Fields", "1.0") { RequiresPython = ">=3.8,<4", Sdist = true });
        var wheel = files.Single(f => f.Filename.EndsWith(".whl"));
        var sdist = files.Single(f => f.Filename.EndsWith(".tar.gz"));

        var response = await _client.GetWithAcceptAsync("/simple/json-fields/", HttpTestExtensions.PipAccept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SimpleApi.V1Json, response.MediaType());
        var json = await response.ReadJsonAsync();
        Assert.Equal("json-fields", json.GetProperty("name").GetString());
        Assert.Equal("1.4", json.GetProperty("meta").GetProperty("api-version").GetString());
        var serial = json.GetProperty("meta").GetProperty("_last-serial").GetInt64();
        Assert.Equal(serial.ToString(), response.Header("X-PyPI-Last-Serial"));
        Assert.Equal(await ProjectSerialAsync("json-fields"), serial);
        Assert.Equal("active", json.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Equal(["1.0"], json.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(0, json.GetProperty("alternate-locations").GetArrayLength());

        var entries = json.GetProperty("files").EnumerateArray().ToList();
        // Warehouse orders by version, then filename (ordinal: "-" sorts before ".").
        Assert.Equal([wheel.Filename, sdist.Filename], entries.Select(e => e.GetProperty("filename").GetString()));
        var w = entries[0];
        Assert.Equal(wheel.Sha256, w.GetProperty("hashes").GetProperty("sha256").GetString());
        Assert.Equal(">=3.8,<4", w.GetProperty("requires-python").GetString());
        Assert.Equal(wheel.Content.Length, w.GetProperty("size").GetInt64());
        Assert.Equal("2024-03-20T13:00:33.355932Z", w.GetProperty("upload-time").GetString());
        Assert.False(w.GetProperty("yanked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, w.GetProperty("provenance").ValueKind);
        Assert.Equal(wheel.MetadataSha256, w.GetProperty("core-metadata").GetProperty("sha256").GetString());
        Assert.Equal(wheel.MetadataSha256, w.GetProperty("data-dist-info-metadata").GetProperty("sha256").GetString());

        // The URL is relative to the page, as PEP 691 allows; resolved it fetches the very bytes listed.
        var url = new Uri(new Uri("http://localhost/simple/json-fields/"), w.GetProperty("url").GetString());
        Assert.Equal(wheel.UrlPath, url.AbsolutePath);
        var bytes = await _client.GetByteArrayAsync(url);
        Assert.Equal(wheel.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Fact]
    public async Task Every_index_response_carries_vary_cache_control_cors_and_serial()
    {
        await server.SeedAsync(new ReleaseSeed("headers-check", "1.0"));
        foreach (var url in new[] { "/simple/headers-check/", "/simple/" })
        {
            foreach (var accept in new[] { HttpTestExtensions.PipAccept, "text/html" })
            {
                var response = await _client.GetWithAcceptAsync(url, accept);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("Accept", response.Header("Vary"));
                Assert.True(response.Headers.CacheControl!.Public);
                Assert.Equal(TimeSpan.FromMinutes(10), response.Headers.CacheControl.MaxAge);
                Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
                Assert.Contains("X-PyPI-Last-Serial", response.Header("Access-Control-Expose-Headers"));
                Assert.True(long.TryParse(response.Header("X-PyPI-Last-Serial"), out var serial) && serial > 0);
                Assert.StartsWith("\"", response.Headers.ETag!.Tag);
                Assert.False(response.Headers.ETag.IsWeak);
            }
        }
    }

    [Theory]
    [InlineData(HttpTestExtensions.PipAccept, SimpleApi.V1Json)]
    [InlineData("text/html", SimpleApi.TextHtml)]
    [InlineData("application/vnd.pypi.simple.v1+html", SimpleApi.V1Html)]
    [InlineData("application/vnd.pypi.simple.v1+json", SimpleApi.V1Json)]
    [InlineData("*/*", SimpleApi.TextHtml)]
    [InlineData(null, SimpleApi.TextHtml)]
    [InlineData("application/xml", SimpleApi.TextHtml)]
    [InlineData("application/vnd.pypi.simple.v1+json;q=0, */*;q=0.5", SimpleApi.TextHtml)]
    [InlineData("application/vnd.pypi.simple.v1+html;q=0.2, application/vnd.pypi.simple.v1+json;q=0.1", SimpleApi.V1Html)]
    [InlineData("text/*;q=0.3, application/*;q=0.9", SimpleApi.V1Html)]
    public async Task Accept_header_picks_the_representation_and_never_406(string? accept, string expected)
    {
        await server.SeedOnceAsync(new ReleaseSeed("negotiated", "1.0"));
        foreach (var url in new[] { "/simple/negotiated/", "/simple/" })
        {
            var response = await _client.GetWithAcceptAsync(url, accept);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, response.MediaType());
            var body = await response.Content.ReadAsStringAsync();
            if (expected == SimpleApi.V1Json) Assert.StartsWith("{", body);
            else Assert.StartsWith("<!DOCTYPE html>", body);
        }
    }

    [Theory]
    [InlineData("/simple/Redirect_Me/", "/simple/redirect-me/")]
    [InlineData("/simple/REDIRECT.me/", "/simple/redirect-me/")]
    [InlineData("/simple/redirect-me", "/simple/redirect-me/")]
    [InlineData("/simple/Redirect__Me", "/simple/redirect-me/")]
    [InlineData("/simple", "/simple/")]
    public async Task Non_canonical_urls_redirect_permanently(string url, string location)
    {
        await server.SeedOnceAsync(new ReleaseSeed("redirect-me", "1.0"));
        var response = await _client.GetWithAcceptAsync(url, HttpTestExtensions.PipAccept);
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/simple/no-such-project/")]
    [InlineData("/simple/No_Such_Project/")]
    [InlineData("/simple/no-such-project")]
    public async Task Unknown_projects_are_404(string url)
    {
        var response = await _client.GetWithAcceptAsync(url, HttpTestExtensions.PipAccept);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Html_detail_escapes_requires_python_and_ends_with_the_serial()
    {
        var files = await server.SeedAsync(new ReleaseSeed("html-attrs", "2.0") { RequiresPython = ">=3.8,<4" });
        var response = await _client.GetWithAcceptAsync("/simple/html-attrs/", "text/html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.MediaType());
        Assert.Contains("<meta name=\"pypi:repository-version\" content=\"1.4\">", html);
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"active\">", html);
        Assert.Contains("data-requires-python=\"&gt;=3.8,&lt;4\"", html);
        Assert.DoesNotContain(">=3.8", html);
        var wheel = files.Single();
        Assert.Contains($"<a href=\"../..{wheel.UrlPath}#sha256={wheel.Sha256}\"", html);
        Assert.Contains($">{wheel.Filename}</a>", html);
        var serial = await ProjectSerialAsync("html-attrs");
        Assert.EndsWith($"<!--SERIAL {serial}-->\n", html);
        Assert.Equal(serial.ToString(), response.Header("X-PyPI-Last-Serial"));
    }

    [Fact]
    public async Task Yanked_files_carry_the_reason_or_a_bare_marker_in_both_formats()
    {
        await server.SeedAsync(new ReleaseSeed("yank-shapes", "1.0") { Yanked = true });
        await server.SeedAsync(new ReleaseSeed("yank-shapes", "2.0") { Yanked = true, YankedReason = "broken <build> & \"more\"" });
        await server.SeedAsync(new ReleaseSeed("yank-shapes", "3.0"));

        var html = await (await _client.GetWithAcceptAsync("/simple/yank-shapes/", "text/html")).Content.ReadAsStringAsync();
        var links = html.Split('\n').Where(l => l.Contains("<a href")).ToList();
        Assert.Contains("data-yanked=\"\"", links[0]);
        Assert.Contains("data-yanked=\"broken &lt;build&gt; &amp; &quot;more&quot;\"", links[1]);
        Assert.DoesNotContain("data-yanked", links[2]);

        var json = await (await _client.GetWithAcceptAsync("/simple/yank-shapes/", SimpleApi.V1Json)).ReadJsonAsync();
        var yanked = json.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("yanked")).ToList();
        Assert.True(yanked[0].GetBoolean());
        Assert.Equal("broken <build> & \"more\"", yanked[1].GetString());
        Assert.False(yanked[2].GetBoolean());
    }

    [Fact]
    public async Task Metadata_attributes_appear_only_for_files_with_a_metadata_file()
    {
        var files = await server.SeedAsync(new ReleaseSeed("meta-attrs", "1.0") { Sdist = true });
        var wheel = files.Single(f => f.Filename.EndsWith(".whl"));
        var html = await (await _client.GetWithAcceptAsync("/simple/meta-attrs/", "text/html")).Content.ReadAsStringAsync();
        var wheelLink = html.Split('\n').Single(l => l.Contains(wheel.Filename + "</a>"));
        var sdistLink = html.Split('\n').Single(l => l.Contains(".tar.gz</a>"));
        Assert.Contains($"data-dist-info-metadata=\"sha256={wheel.MetadataSha256}\"", wheelLink);
        Assert.Contains($"data-core-metadata=\"sha256={wheel.MetadataSha256}\"", wheelLink);
        Assert.DoesNotContain("metadata", sdistLink);

        var json = await (await _client.GetWithAcceptAsync("/simple/meta-attrs/", SimpleApi.V1Json)).ReadJsonAsync();
        var sdistEntry = json.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("filename").GetString()!.EndsWith(".tar.gz"));
        Assert.False(sdistEntry.GetProperty("core-metadata").GetBoolean());
        Assert.False(sdistEntry.GetProperty("data-dist-info-metadata").GetBoolean());
    }

    [Fact]
    public async Task Versions_and_files_follow_pep440_order()
    {
        foreach (var v in new[] { "1.10", "1.9", "1.0a1", "2.0.dev1", "1.0", "1.0.post1" })
        {
            await server.SeedAsync(new ReleaseSeed("ordering", v));
        }
        var expected = new[] { "1.0a1", "1.0", "1.0.post1", "1.9", "1.10", "2.0.dev1" };
        var json = await (await _client.GetWithAcceptAsync("/simple/ordering/", SimpleApi.V1Json)).ReadJsonAsync();
        Assert.Equal(expected, json.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(expected.Select(v => $"ordering-{v}-py3-none-any.whl"),
            json.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("filename").GetString()));
    }

    [Fact]
    public async Task Etag_revalidation_gives_304_and_each_representation_has_its_own_etag()
    {
        await server.SeedAsync(new ReleaseSeed("etags", "1.0"));
        var etags = new Dictionary<string, string>();
        foreach (var accept in new[] { SimpleApi.TextHtml, SimpleApi.V1Html, SimpleApi.V1Json })
        {
            var first = await _client.GetWithAcceptAsync("/simple/etags/", accept);
            var etag = first.Headers.ETag!.Tag;
            etags[accept] = etag;

            var again = await _client.GetWithAcceptAsync("/simple/etags/", accept, r => r.IfNoneMatch(etag));
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
            Assert.Empty(await again.Content.ReadAsByteArrayAsync());
            Assert.Equal(etag, again.Headers.ETag!.Tag);
            Assert.Equal("Accept", again.Header("Vary"));

            var weak = await _client.GetWithAcceptAsync("/simple/etags/", accept, r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"nope\", W/" + etag));
            Assert.Equal(HttpStatusCode.NotModified, weak.StatusCode);

            var other = await _client.GetWithAcceptAsync("/simple/etags/", accept, r => r.IfNoneMatch("\"something-else\""));
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        Assert.Equal(3, etags.Values.Distinct().Count());
    }

    [Fact]
    public async Task Unchanged_pages_are_served_from_the_cache_without_rendering()
    {
        await server.SeedAsync(new ReleaseSeed("cache-hit", "1.0"));
        var cache = server.Services.GetRequiredService<PageCache>();
        var first = await _client.GetWithAcceptAsync("/simple/cache-hit/", SimpleApi.V1Json);
        var renders = cache.RenderCount;
        var second = await _client.GetWithAcceptAsync("/simple/cache-hit/", SimpleApi.V1Json);
        Assert.Equal(renders, cache.RenderCount);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_yank_shows_at_once_in_both_formats_with_new_etags()
    {
        await server.SeedAsync(new ReleaseSeed("yank-live", "1.0"));
        var htmlBefore = await _client.GetWithAcceptAsync("/simple/yank-live/", "text/html");
        var jsonBefore = await _client.GetWithAcceptAsync("/simple/yank-live/", HttpTestExtensions.PipAccept);
        Assert.DoesNotContain("data-yanked", await htmlBefore.Content.ReadAsStringAsync());

        var outcome = await server.WithScopeAsync(sp => sp.GetRequiredService<ReleaseManagement>()
            .SetYankedAsync("yank-live", "1.0", true, "bad wheel", new Actor("test", "test")));
        Assert.Equal(YankChange.Done, outcome.Value);

        var htmlAfter = await _client.GetWithAcceptAsync("/simple/yank-live/", "text/html");
        var jsonAfter = await _client.GetWithAcceptAsync("/simple/yank-live/", HttpTestExtensions.PipAccept);
        Assert.Contains("data-yanked=\"bad wheel\"", await htmlAfter.Content.ReadAsStringAsync());
        var json = await jsonAfter.ReadJsonAsync();
        Assert.Equal("bad wheel", json.GetProperty("files")[0].GetProperty("yanked").GetString());
        Assert.NotEqual(htmlBefore.Headers.ETag, htmlAfter.Headers.ETag);
        Assert.NotEqual(jsonBefore.Headers.ETag, jsonAfter.Headers.ETag);
        Assert.True(long.Parse(jsonAfter.Header("X-PyPI-Last-Serial")!) > long.Parse(jsonBefore.Header("X-PyPI-Last-Serial")!));

        // The client's old validator no longer matches.
        var revalidated = await _client.GetWithAcceptAsync("/simple/yank-live/", HttpTestExtensions.PipAccept, r => r.IfNoneMatch(jsonBefore.Headers.ETag!.Tag));
        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
    }

    [Fact]
    public async Task Quarantined_projects_list_no_files_and_leave_the_root()
    {
        await server.SeedAsync(new ReleaseSeed("quarantine-me", "1.0"));
        await server.SeedAsync(new ReleaseSeed("stays-listed", "1.0"));
        await server.SeedAsync(new ReleaseSeed("stays-listed", "1.1") { Lifecycle = ReleaseLifecycle.Quarantined });
        await server.SetProjectLifecycleAsync("quarantine-me", ProjectLifecycle.Quarantined);

        var json = await (await _client.GetWithAcceptAsync("/simple/quarantine-me/", SimpleApi.V1Json)).ReadJsonAsync();
        Assert.Equal("quarantined", json.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Equal(0, json.GetProperty("files").GetArrayLength());
        Assert.Equal(0, json.GetProperty("versions").GetArrayLength());
        var html = await (await _client.GetWithAcceptAsync("/simple/quarantine-me/", "text/html")).Content.ReadAsStringAsync();
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"quarantined\">", html);
        Assert.DoesNotContain("<a ", html);

        // A quarantined release of an active project is simply absent.
        var listed = await (await _client.GetWithAcceptAsync("/simple/stays-listed/", SimpleApi.V1Json)).ReadJsonAsync();
        Assert.Equal(["1.0"], listed.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Single(listed.GetProperty("files").EnumerateArray());

        var root = await (await _client.GetWithAcceptAsync("/simple/", SimpleApi.V1Json)).ReadJsonAsync();
        var names = root.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("stays-listed", names);
        Assert.DoesNotContain("quarantine-me", names);
    }

    [Fact]
    public async Task Root_lists_projects_with_serials_in_both_formats_and_follows_new_projects()
    {
        await server.SeedAsync(new ReleaseSeed("Root_Listed", "1.0"));
        var before = await _client.GetWithAcceptAsync("/simple/", SimpleApi.V1Json);
        var json = await before.ReadJsonAsync();
        Assert.Equal("1.4", json.GetProperty("meta").GetProperty("api-version").GetString());
        var globalSerial = json.GetProperty("meta").GetProperty("_last-serial").GetInt64();
        Assert.Equal(globalSerial.ToString(), before.Header("X-PyPI-Last-Serial"));
        var entry = json.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Root_Listed");
        Assert.Equal(await ProjectSerialAsync("root-listed"), entry.GetProperty("_last-serial").GetInt64());
        var names = json.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();

        var html = await (await _client.GetWithAcceptAsync("/simple/", "text/html")).Content.ReadAsStringAsync();
        Assert.Contains("<meta name=\"pypi:repository-version\" content=\"1.4\">", html);
        Assert.Contains("<a href=\"root-listed/\">Root_Listed</a>", html);

        await server.SeedAsync(new ReleaseSeed("root-newcomer", "1.0"));
        var after = await _client.GetWithAcceptAsync("/simple/", SimpleApi.V1Json);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        var namesAfter = (await after.ReadJsonAsync()).GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();
        Assert.Contains("root-newcomer", namesAfter);
        Assert.Equal(names.Count + 1, namesAfter.Count);
    }

    [Fact]
    public async Task Head_requests_get_headers_without_a_body()
    {
        await server.SeedAsync(new ReleaseSeed("head-simple", "1.0"));
        var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/simple/head-simple/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    private Task<long> ProjectSerialAsync(string normalized) =>
        server.WithDbAsync(db => Task.FromResult(db.Projects.Single(p => p.NormalizedName == normalized).LastSerial));
}

public sealed class SimpleApiTestsSqlite(SqliteServer server) : SimpleApiTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class SimpleApiTestsPostgres(PostgresServer server) : SimpleApiTests<PostgresServer>(server), IClassFixture<PostgresServer>;
