using System.Net;
using System.Text.Json;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Upstreams;

/// <summary>
/// The legacy JSON API of proxied names: the upstream's document filtered to what the proxied page serves, with file
/// URLs through Bulwark, or a document built from the page when the upstream has no JSON API; the guard applies.
/// </summary>
public abstract class ProxiedJsonApiTests<TServer>(TServer server) : UpstreamTestBase<TServer>(server) where TServer : UpstreamProxyServer
{
    private const string JsonSource = "X-Bulwark-Upstream-Json";

    private static string[] Releases(JsonElement document) => document.GetProperty("releases").EnumerateObject().Select(p => p.Name).Order().ToArray();

    private static string Url(JsonElement file) => file.GetProperty("url").GetString()!;

    [Fact]
    public async Task The_upstreams_JSON_is_served_with_only_the_files_the_page_serves_and_links_through_Bulwark()
    {
        var name = UniqueName("pjson");
        var old = Upstream.AddWheel(name, "1.0");
        var latest = Upstream.AddWheel(name, "2.0");

        var response = await Client().GetAsync($"/pypi/{name}/json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("upstream", response.Headers.GetValues(JsonSource).Single());
        var document = JsonDocument.Parse(body).RootElement;
        Assert.Equal($"Upstream summary of {name}", document.GetProperty("info").GetProperty("summary").GetString());
        Assert.Equal("2.0", document.GetProperty("info").GetProperty("version").GetString());
        // The upstream's release whose file the simple page does not list is not offered.
        Assert.Equal(["1.0", "2.0"], Releases(document));
        Assert.DoesNotContain(Upstream.BaseUrl, body);
        var url = Url(document.GetProperty("urls").EnumerateArray().Single());
        Assert.Equal($"http://localhost/files/upstream/{latest.Sha256[..2]}/{latest.Sha256[2..4]}/{latest.Sha256[4..]}/{latest.Filename}", url);
        var file = await Client().GetAsync(new Uri(url).AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(latest.Listed, await file.Content.ReadAsByteArrayAsync());

        var release = await JsonAsync($"/pypi/{name}/1.0/json");
        Assert.Equal("1.0", release.GetProperty("info").GetProperty("version").GetString());
        Assert.Equal(old.Filename, release.GetProperty("urls").EnumerateArray().Single().GetProperty("filename").GetString());
        Assert.False(release.TryGetProperty("releases", out _));
    }

    [Fact]
    public async Task A_quarantined_proxied_release_is_left_out_of_the_JSON()
    {
        var name = UniqueName("pjsonq");
        Upstream.AddWheel(name, "1.0");
        var bad = Upstream.AddWheel(name, "2.0");
        await JsonPageAsync(name);
        var (exit, _, stderr) = await CliAsync("project", "quarantine", name, "--version", "2.0", "--reason", "steals tokens");
        Assert.True(exit == 0, stderr);

        var document = await JsonAsync($"/pypi/{name}/json");
        Assert.Equal(["1.0"], Releases(document));
        Assert.Equal("1.0", document.GetProperty("info").GetProperty("version").GetString());
        Assert.DoesNotContain(bad.Filename, document.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync($"/pypi/{name}/2.0/json")).StatusCode);
    }

    [Fact]
    public async Task Without_an_upstream_JSON_API_the_document_is_built_from_the_simple_page()
    {
        var name = UniqueName("pjsonsyn");
        Upstream.JsonApi = false;
        try
        {
            var wheel = Upstream.AddWheel(name, "1.0", requiresPython: ">=3.9");
            Upstream.AddWheel(name, "1.1", yanked: "broken");
            var response = await Client().GetAsync($"/pypi/{name}/json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("simple-page", response.Headers.GetValues(JsonSource).Single());
            var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var info = document.GetProperty("info");
            // The yanked 1.1 is listed but not chosen; what the page cannot know is null, not made up.
            Assert.Equal(("1.0", ">=3.9", name), (info.GetProperty("version").GetString(), info.GetProperty("requires_python").GetString(), info.GetProperty("name").GetString()));
            Assert.Equal(JsonValueKind.Null, info.GetProperty("summary").ValueKind);
            Assert.Equal(["1.0", "1.1"], Releases(document));
            var yanked = document.GetProperty("releases").GetProperty("1.1").EnumerateArray().Single();
            Assert.True(yanked.GetProperty("yanked").GetBoolean());
            Assert.Equal("broken", yanked.GetProperty("yanked_reason").GetString());
            var file = document.GetProperty("urls").EnumerateArray().Single();
            Assert.Equal(wheel.Sha256, file.GetProperty("digests").GetProperty("sha256").GetString());
            Assert.Equal(wheel.Listed.Length, file.GetProperty("size").GetInt64());
            Assert.Equal("bdist_wheel", file.GetProperty("packagetype").GetString());
            Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(new Uri(Url(file)).AbsolutePath)).StatusCode);
        }
        finally
        {
            Upstream.JsonApi = true;
        }
    }

    [Fact]
    public async Task A_local_or_blocked_name_never_gets_the_upstreams_JSON()
    {
        await Server.SeedAsync(new ReleaseSeed("acme-json-internal", "1.0"));
        Upstream.AddWheel("acme-json-internal", "99.0");
        var local = await JsonAsync("/pypi/acme-json-internal/json");
        Assert.Equal("1.0", local.GetProperty("info").GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync("/pypi/acme-json-internal/99.0/json")).StatusCode);

        // Quarantined locally: gone from the JSON API, and still not resolved upstream.
        var (exit, _, stderr) = await CliAsync("project", "quarantine", "acme-json-internal", "--reason", "under review");
        Assert.True(exit == 0, stderr);
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync("/pypi/acme-json-internal/json")).StatusCode);

        var blocked = UniqueName("blocked");
        Upstream.AddWheel(blocked, "1.0");
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync($"/pypi/{blocked}/json")).StatusCode);
        Assert.Equal(0, Upstream.JsonRequests("acme-json-internal") + Upstream.JsonRequests(blocked));
        Assert.Equal(0, Upstream.PageRequests("acme-json-internal"));
    }
}

public sealed class ProxiedJsonApiTestsSqlite(SqliteUpstreamProxyServer s) : ProxiedJsonApiTests<SqliteUpstreamProxyServer>(s), IClassFixture<SqliteUpstreamProxyServer>;

public sealed class ProxiedJsonApiTestsPostgres(PostgresUpstreamProxyServer s) : ProxiedJsonApiTests<PostgresUpstreamProxyServer>(s), IClassFixture<PostgresUpstreamProxyServer>;
