using System.Net;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Index;

public abstract class JsonApiTests<TServer>(TServer server) where TServer : BulwarkServer
{
    private readonly HttpClient _client = server.CreateRawClient();

    private static readonly string[] InfoKeys =
    [
        "author", "author_email", "bugtrack_url", "classifiers", "critical", "description", "description_content_type",
        "docs_url", "download_url", "downloads", "dynamic", "home_page", "keywords", "license", "license_expression",
        "license_files", "maintainer", "maintainer_email", "name", "package_url", "platform", "project_url", "project_urls",
        "provides_extra", "release_url", "requires_dist", "requires_python", "summary", "version", "yanked", "yanked_reason",
    ];

    private static readonly string[] FileKeys =
    [
        "comment_text", "core-metadata", "digests", "downloads", "filename", "has_sig", "md5_digest", "packagetype",
        "python_version", "requires_python", "size", "upload_time", "upload_time_iso_8601", "url", "yanked", "yanked_reason",
    ];

    [Fact]
    public async Task Project_json_has_warehouses_shape()
    {
        await server.SeedAsync(new ReleaseSeed("Json_Shape", "1.0") { Sdist = true });
        var latest = await server.SeedAsync(new ReleaseSeed("Json_Shape", "2.0")
        {
            RequiresPython = ">=3.9",
            Sdist = true,
            Configure = r =>
            {
                r.Author = "A. Author";
                r.AuthorEmail = "author@example.com";
                r.Description = "# Title";
                r.DescriptionContentType = "text/markdown";
                r.Keywords = "one,two";
                r.License = "MIT";
                r.LicenseExpression = "MIT";
                r.HomePage = "https://example.com";
                r.Classifiers = ["Programming Language :: Python :: 3"];
                r.RequiresDist = ["requests>=2", "pytest; extra == 'test'"];
                r.ProvidesExtra = ["test"];
                r.ProjectUrls = ["Homepage, https://example.com", "Bug Tracker, https://example.com/issues"];
                r.Dynamic = ["requires-dist"];
            },
        });
        await server.AddRoleAsync("json-shape", "zed-json-owner", ProjectRoleKind.Owner);
        await server.AddRoleAsync("json-shape", "amy-json-maint", ProjectRoleKind.Maintainer);
        await server.AddRoleAsync("json-shape", "bob-json-owner", ProjectRoleKind.Owner);

        var response = await _client.GetAsync("/pypi/json-shape/json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.MediaType());
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.True(response.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromMinutes(15), response.Headers.CacheControl.MaxAge);
        var json = await response.ReadJsonAsync();

        Assert.Equal(["info", "last_serial", "releases", "urls", "vulnerabilities", "ownership"], json.EnumerateObject().Select(p => p.Name));
        var serial = json.GetProperty("last_serial").GetInt64();
        Assert.Equal(serial.ToString(), response.Header("X-PyPI-Last-Serial"));

        var info = json.GetProperty("info");
        Assert.Equal(InfoKeys, info.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Json_Shape", info.GetProperty("name").GetString());
        Assert.Equal("2.0", info.GetProperty("version").GetString());
        Assert.Equal("A. Author", info.GetProperty("author").GetString());
        Assert.Equal("# Title", info.GetProperty("description").GetString());
        Assert.Equal(">=3.9", info.GetProperty("requires_python").GetString());
        Assert.Equal(["requests>=2", "pytest; extra == 'test'"], info.GetProperty("requires_dist").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("https://example.com/issues", info.GetProperty("project_urls").GetProperty("Bug Tracker").GetString());
        Assert.Equal("https://example.com", info.GetProperty("project_urls").GetProperty("Homepage").GetString());
        Assert.Equal(-1, info.GetProperty("downloads").GetProperty("last_month").GetInt32());
        Assert.Equal("http://localhost/project/Json_Shape/", info.GetProperty("project_url").GetString());
        Assert.Equal("http://localhost/project/Json_Shape/2.0/", info.GetProperty("release_url").GetString());
        Assert.False(info.GetProperty("yanked").GetBoolean());
        Assert.False(info.GetProperty("critical").GetBoolean());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("yanked_reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, info.GetProperty("platform").ValueKind);

        Assert.Equal(["1.0", "2.0"], json.GetProperty("releases").EnumerateObject().Select(p => p.Name));
        var urls = json.GetProperty("urls").EnumerateArray().ToList();
        Assert.Equal(latest.Select(f => f.Filename).Order(StringComparer.Ordinal), urls.Select(u => u.GetProperty("filename").GetString()));
        var wheel = latest.Single(f => f.Filename.EndsWith(".whl"));
        var w = urls.Single(u => u.GetProperty("filename").GetString() == wheel.Filename);
        Assert.Equal(FileKeys, w.EnumerateObject().Select(p => p.Name));
        Assert.Equal(wheel.Sha256, w.GetProperty("digests").GetProperty("sha256").GetString());
        Assert.Equal(64, w.GetProperty("digests").GetProperty("blake2b_256").GetString()!.Length);
        Assert.Equal(w.GetProperty("md5_digest").GetString(), w.GetProperty("digests").GetProperty("md5").GetString());
        Assert.Equal(wheel.MetadataSha256, w.GetProperty("core-metadata").GetProperty("sha256").GetString());
        Assert.Equal("bdist_wheel", w.GetProperty("packagetype").GetString());
        Assert.Equal("py3", w.GetProperty("python_version").GetString());
        Assert.Equal("2024-03-20T13:00:33", w.GetProperty("upload_time").GetString());
        Assert.Equal("2024-03-20T13:00:33.355932Z", w.GetProperty("upload_time_iso_8601").GetString());
        Assert.Equal("http://localhost" + wheel.UrlPath, w.GetProperty("url").GetString());
        Assert.Equal(-1, w.GetProperty("downloads").GetInt32());
        Assert.False(w.GetProperty("has_sig").GetBoolean());
        var sdist = urls.Single(u => u.GetProperty("packagetype").GetString() == "sdist");
        Assert.False(sdist.GetProperty("core-metadata").GetBoolean());
        Assert.Equal("source", sdist.GetProperty("python_version").GetString());

        Assert.Equal(0, json.GetProperty("vulnerabilities").GetArrayLength());
        var ownership = json.GetProperty("ownership");
        Assert.Equal(JsonValueKind.Null, ownership.GetProperty("organization").ValueKind);
        Assert.Equal(
            ["Owner:bob-json-owner", "Owner:zed-json-owner", "Maintainer:amy-json-maint"],
            ownership.GetProperty("roles").EnumerateArray().Select(r => $"{r.GetProperty("role").GetString()}:{r.GetProperty("user").GetString()}"));

        var revalidated = await _client.GetWithAcceptAsync("/pypi/json-shape/json", null, r => r.IfNoneMatch(response.Headers.ETag!.Tag));
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Theory]
    [InlineData("info-final", "1.0,2.0,3.0b1", "", "2.0")]
    [InlineData("info-yanked-latest", "1.0,2.0", "2.0", "1.0")]
    [InlineData("info-only-pre", "1.0a1,1.0b1", "", "1.0b1")]
    [InlineData("info-all-yanked", "1.0,2.0", "1.0,2.0", "2.0")]
    [InlineData("info-live-pre-beats-yanked", "1.0,2.0a1", "1.0", "2.0a1")]
    [InlineData("info-pep440", "1.9,1.10,1.2", "", "1.10")]
    public async Task Info_describes_the_latest_live_final_release(string project, string versions, string yanked, string expected)
    {
        var yankedSet = yanked.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        foreach (var v in versions.Split(','))
        {
            await server.SeedOnceAsync(new ReleaseSeed(project, v) { Yanked = yankedSet.Contains(v) });
        }
        var json = await (await _client.GetAsync($"/pypi/{project}/json")).ReadJsonAsync();
        Assert.Equal(expected, json.GetProperty("info").GetProperty("version").GetString());
        Assert.Equal(yankedSet.Contains(expected), json.GetProperty("info").GetProperty("yanked").GetBoolean());
        Assert.All(json.GetProperty("urls").EnumerateArray(), u => Assert.Contains($"-{expected}-", u.GetProperty("filename").GetString()));
    }

    [Fact]
    public async Task Release_json_describes_one_release_without_the_releases_key()
    {
        await server.SeedAsync(new ReleaseSeed("release-json", "1.0"));
        await server.SeedAsync(new ReleaseSeed("release-json", "2.0rc1") { Yanked = true, YankedReason = "oops" });

        var json = await (await _client.GetAsync("/pypi/release-json/1.0/json")).ReadJsonAsync();
        Assert.False(json.TryGetProperty("releases", out _));
        Assert.Equal("1.0", json.GetProperty("info").GetProperty("version").GetString());
        Assert.Equal("release_json-1.0-py3-none-any.whl", json.GetProperty("urls").EnumerateArray().Single().GetProperty("filename").GetString());

        // Any spelling with the same PEP 440 canonical form finds the release.
        var rc = await _client.GetAsync("/pypi/release-json/2.0-RC1/json");
        Assert.Equal(HttpStatusCode.OK, rc.StatusCode);
        var rcJson = await rc.ReadJsonAsync();
        Assert.Equal("2.0rc1", rcJson.GetProperty("info").GetProperty("version").GetString());
        Assert.Equal("oops", rcJson.GetProperty("info").GetProperty("yanked_reason").GetString());
        var file = rcJson.GetProperty("urls")[0];
        Assert.True(file.GetProperty("yanked").GetBoolean());
        Assert.Equal("oops", file.GetProperty("yanked_reason").GetString());

        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/pypi/release-json/1.0/json/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/pypi/release-json/json/")).StatusCode);
    }

    [Theory]
    [InlineData("/pypi/Json_Redirect/json", "/pypi/json-redirect/json")]
    [InlineData("/pypi/JSON.redirect/json/", "/pypi/json-redirect/json/")]
    [InlineData("/pypi/Json_Redirect/1.0/json", "/pypi/json-redirect/1.0/json")]
    public async Task Non_normalized_names_redirect(string url, string location)
    {
        await server.SeedOnceAsync(new ReleaseSeed("json-redirect", "1.0"));
        var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Unknown_and_quarantined_things_are_404()
    {
        await server.SeedAsync(new ReleaseSeed("json-hidden", "1.0"));
        await server.SeedAsync(new ReleaseSeed("json-hidden", "2.0") { Lifecycle = ReleaseLifecycle.Quarantined });
        await server.SeedAsync(new ReleaseSeed("json-only-quarantined", "1.0") { Lifecycle = ReleaseLifecycle.Quarantined });
        await server.SeedAsync(new ReleaseSeed("json-quarantined-project", "1.0"));
        await server.SetProjectLifecycleAsync("json-quarantined-project", ProjectLifecycle.Quarantined);

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/pypi/no-such-thing/json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/pypi/json-hidden/9.9/json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/pypi/json-hidden/2.0/json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/pypi/json-only-quarantined/json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/pypi/json-quarantined-project/json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/pypi/json-quarantined-project/1.0/json")).StatusCode);

        var visible = await (await _client.GetAsync("/pypi/json-hidden/json")).ReadJsonAsync();
        Assert.Equal("1.0", visible.GetProperty("info").GetProperty("version").GetString());
        Assert.Equal(["1.0"], visible.GetProperty("releases").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_yank_shows_at_once()
    {
        await server.SeedAsync(new ReleaseSeed("json-yank", "1.0"));
        await server.SeedAsync(new ReleaseSeed("json-yank", "1.1"));
        var before = await (await _client.GetAsync("/pypi/json-yank/json")).ReadJsonAsync();
        Assert.Equal("1.1", before.GetProperty("info").GetProperty("version").GetString());

        await server.WithScopeAsync(sp => sp.GetRequiredService<ReleaseManagement>().SetYankedAsync("json-yank", "1.1", true, "regression", new Actor("test", "test")));

        var after = await (await _client.GetAsync("/pypi/json-yank/json")).ReadJsonAsync();
        Assert.Equal("1.0", after.GetProperty("info").GetProperty("version").GetString());
        Assert.Equal("regression", after.GetProperty("releases").GetProperty("1.1")[0].GetProperty("yanked_reason").GetString());
        Assert.True(after.GetProperty("last_serial").GetInt64() > before.GetProperty("last_serial").GetInt64());
    }
}

public sealed class JsonApiTestsSqlite(SqliteServer server) : JsonApiTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class JsonApiTestsPostgres(PostgresServer server) : JsonApiTests<PostgresServer>(server), IClassFixture<PostgresServer>;
