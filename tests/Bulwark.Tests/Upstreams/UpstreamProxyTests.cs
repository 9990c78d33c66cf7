using System.Net;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.Upstreams;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Uploads;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Upstreams;

/// <summary>
/// The upstream proxy end to end over HTTP, against a PEP 691 upstream on loopback: rewritten pages, verified
/// single-flight file fetches, the dependency-confusion guard, stale serving and OSV blocks.
/// </summary>
public abstract class UpstreamProxyTests<TServer>(TServer server) : UpstreamTestBase<TServer>(server) where TServer : UpstreamProxyServer
{
    [Fact]
    public async Task An_upstream_only_project_is_listed_with_links_through_Bulwark_and_its_fields_passed_through()
    {
        var name = UniqueName("uponly");
        var wheel = Upstream.AddWheel(name, "1.0", requiresPython: ">=3.8");
        var yanked = Upstream.AddWheel(name, "0.9", yanked: "broken build");

        var response = await PageAsync(name);
        Assert.Equal("fresh", response.Headers.GetValues("X-Bulwark-Upstream").Single());
        var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var listed = FileNamed(page, wheel.Filename);
        Assert.StartsWith("../../files/upstream/", listed.GetProperty("url").GetString());
        Assert.Equal(wheel.Sha256, listed.GetProperty("hashes").GetProperty("sha256").GetString());
        Assert.Equal(">=3.8", listed.GetProperty("requires-python").GetString());
        Assert.Equal(JsonValueKind.Object, listed.GetProperty("core-metadata").ValueKind);
        Assert.Equal(wheel.Listed.Length, listed.GetProperty("size").GetInt64());
        Assert.Equal("broken build", FileNamed(page, yanked.Filename).GetProperty("yanked").GetString());
        Assert.Equal(["0.9", "1.0"], Versions(page));

        var html = await (await PageAsync(name, json: false)).Content.ReadAsStringAsync();
        Assert.Contains($"href=\"../../files/upstream/{wheel.Sha256[..2]}/{wheel.Sha256[2..4]}/{wheel.Sha256[4..]}/{wheel.Filename}#sha256={wheel.Sha256}\"", html);
        Assert.Contains("data-requires-python=\"&gt;=3.8\"", html);
        Assert.Contains("data-yanked=\"broken build\"", html);
        Assert.Contains("data-core-metadata=\"sha256=", html);
        Assert.DoesNotContain(Upstream.BaseUrl, html);
    }

    [Fact]
    public async Task A_file_is_fetched_once_verified_and_then_served_from_the_store()
    {
        var name = UniqueName("fetchonce");
        var wheel = Upstream.AddWheel(name, "1.0");
        var path = FilePath(name, FileNamed(await JsonPageAsync(name), wheel.Filename));

        var first = await Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("fetched", first.Headers.GetValues("X-Bulwark-Upstream").Single());
        Assert.Equal(wheel.Listed, await first.Content.ReadAsByteArrayAsync());
        var second = await Client().GetAsync(path);
        Assert.Equal("cached", second.Headers.GetValues("X-Bulwark-Upstream").Single());
        Assert.Equal(wheel.Listed, await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, Upstream.FileRequests(wheel.Filename));
        Assert.NotNull(await Server.ReadBlobAsync(UpstreamBlobs.PathFor(wheel.Sha256, wheel.Filename)));

        var metadata = await Client().GetAsync(path + ".metadata");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.Contains($"Name: {name}", await metadata.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_file_asked_for_before_its_page_was_ever_held_here_fetches_the_page_and_is_served()
    {
        // As on an instance that restarted, or behind a balancer that sent the page request to another instance
        // which has not stored the page yet: no page in memory, no row, and pip asks for the file.
        var name = UniqueName("heldnothing");
        var wheel = Upstream.AddWheel(name, "1.0");
        var sha = wheel.Sha256;
        var response = await Client().GetAsync($"/files/upstream/{sha[..2]}/{sha[2..4]}/{sha[4..]}/{wheel.Filename}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fetched", response.Headers.GetValues("X-Bulwark-Upstream").Single());
        Assert.Equal(wheel.Listed, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_hundred_concurrent_first_requests_fetch_the_file_from_the_upstream_once()
    {
        var name = UniqueName("flight");
        var wheel = Upstream.AddWheel(name, "1.0");
        var path = FilePath(name, FileNamed(await JsonPageAsync(name), wheel.Filename));
        Upstream.FileDelay = TimeSpan.FromMilliseconds(300);
        try
        {
            var client = Client();
            var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => client.GetAsync(path)));
            foreach (var r in responses)
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal(wheel.Listed, await r.Content.ReadAsByteArrayAsync());
            }
        }
        finally
        {
            Upstream.FileDelay = TimeSpan.Zero;
        }
        Assert.Equal(1, Upstream.FileRequests(wheel.Filename));
    }

    [Fact]
    public async Task A_local_name_is_never_resolved_upstream_whatever_version_the_upstream_claims()
    {
        await Server.SeedAsync(new ReleaseSeed("acme-internal", "1.0"));
        var evil = Upstream.AddWheel("acme-internal", "99.0");

        var page = await JsonPageAsync("acme-internal");
        Assert.Equal(["1.0"], Versions(page));
        var html = await (await PageAsync("acme-internal", json: false)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("99.0", html);
        Assert.DoesNotContain("upstream", html);
        Assert.Equal(0, Upstream.PageRequests("acme-internal"));
        // Nor is its file reachable by guessing the proxied URL.
        var guessed = $"/files/upstream/{evil.Sha256[..2]}/{evil.Sha256[2..4]}/{evil.Sha256[4..]}/{evil.Filename}";
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync(guessed)).StatusCode);
        Assert.Equal(0, Upstream.FileRequests(evil.Filename));
    }

    [Fact]
    public async Task A_name_matching_a_block_pattern_is_not_resolved_upstream()
    {
        var name = UniqueName("blocked");
        Upstream.AddWheel(name, "1.0");
        Assert.Equal(HttpStatusCode.NotFound, (await PageAsync(name)).StatusCode);
        Assert.Equal(0, Upstream.PageRequests(name));
    }

    [Fact]
    public async Task A_file_whose_bytes_do_not_match_the_listed_hash_is_refused_audited_and_not_stored()
    {
        var name = UniqueName("tampered");
        var spec = new TestDistributions.Spec(name, "1.0");
        var genuine = TestDistributions.Wheel(spec);
        var file = new UpstreamTestFile(spec.WheelFilename, genuine) { Served = TestDistributions.Wheel(spec with { Summary = "evil" }) };
        Upstream.Add(name, file);
        var path = FilePath(name, FileNamed(await JsonPageAsync(name), file.Filename));

        var response = await Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("does not match the sha256", response.ReasonPhrase);
        Assert.Null(await Server.ReadBlobAsync(UpstreamBlobs.PathFor(file.Sha256, file.Filename)));
        Assert.DoesNotContain(Server.TempFiles(), f => Path.GetFileName(f).StartsWith("upstream-", StringComparison.Ordinal));
        var audited = await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Type == AuditEventType.UpstreamFileRefused && e.Details!.Contains(file.Filename)).ToListAsync());
        var details = Assert.Single(audited).Details!;
        Assert.Contains(file.Sha256, details);
        // Refused again on the next request: a refusal is not remembered as a success.
        Assert.Equal(HttpStatusCode.BadGateway, (await Client().GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task With_the_upstream_down_a_cached_page_and_file_are_served_and_the_page_says_stale()
    {
        var name = UniqueName("stale");
        var wheel = Upstream.AddWheel(name, "1.0");
        var path = FilePath(name, FileNamed(await JsonPageAsync(name), wheel.Filename));
        Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(path)).StatusCode);

        Upstream.Down = true;
        try
        {
            var page = await PageAsync(name);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("stale", page.Headers.GetValues("X-Bulwark-Upstream").Single());
            Assert.Contains(wheel.Filename, await page.Content.ReadAsStringAsync());
            var file = await Client().GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(wheel.Listed, await file.Content.ReadAsByteArrayAsync());

            // Nothing held for this one: the answer says the upstream is unavailable, not that the project does not exist.
            var unknown = await PageAsync(UniqueName("never"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unknown.StatusCode);
        }
        finally
        {
            Upstream.Down = false;
        }
    }

    [Fact]
    public async Task An_upstream_slower_than_the_timeout_gets_the_cached_page_served_stale()
    {
        var name = UniqueName("slow");
        Upstream.AddWheel(name, "1.0");
        await JsonPageAsync(name);
        Upstream.PageDelays[name] = TimeSpan.FromSeconds(12);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var page = await PageAsync(name);
        started.Stop();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("stale", page.Headers.GetValues("X-Bulwark-Upstream").Single());
        // Bounded by the three-second timeout, far from the upstream's twelve seconds.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(9), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task The_first_local_upload_of_a_proxied_name_makes_it_local_and_the_audit_log_says_so()
    {
        var name = UniqueName("takeover");
        var upstreamWheel = Upstream.AddWheel(name, "5.0");
        Assert.Contains(upstreamWheel.Filename, (await JsonPageAsync(name)).ToString());

        var token = await Server.CreateTokenAsync("u" + name[^8..]);
        await AssertOkAsync(await UploadAsync(UploadForm.For(new TestDistributions.Spec(name, "1.0")), token));

        var page = await JsonPageAsync(name);
        Assert.Equal(["1.0"], Versions(page));
        Assert.DoesNotContain(upstreamWheel.Filename, page.ToString());
        var normalized = Bulwark.Core.Packaging.ProjectName.Normalize(name);
        var audited = await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Type == AuditEventType.UpstreamNameMadeLocal && e.Details!.Contains(normalized)).ToListAsync());
        Assert.Single(audited);
        Assert.False(await Server.WithDbAsync(db => db.UpstreamPages.AnyAsync(p => p.NormalizedName == normalized)));
    }

    [Fact]
    public async Task Versions_named_by_an_imported_OSV_record_are_not_listed_and_their_files_are_404()
    {
        var good = Upstream.AddWheel("osv-fixture-pkg", "1.0");
        var bad = Upstream.AddWheel("osv-fixture-pkg", "2.0");
        var before = await JsonPageAsync("osv-fixture-pkg");
        var badPath = FilePath("osv-fixture-pkg", FileNamed(before, bad.Filename));

        var fixture = Path.Combine(AppContext.BaseDirectory, "Upstreams", "Fixtures", "MAL-2026-0001.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Bulwark.Cli.CommandLine.RunAsync(["osv", "import", fixture], stdout, stderr, settings: CliSettings());
        Assert.True(exit == 0, stderr.ToString());
        Assert.Contains("osv-fixture-pkg", stdout.ToString());

        var after = await JsonPageAsync("osv-fixture-pkg");
        Assert.Equal(["1.0"], Versions(after));
        Assert.DoesNotContain(bad.Filename, after.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync(badPath)).StatusCode);
        Assert.Equal(0, Upstream.FileRequests(bad.Filename));
        Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(FilePath("osv-fixture-pkg", FileNamed(after, good.Filename)))).StatusCode);
    }

    [Fact]
    public async Task A_quarantined_proxied_release_is_not_listed_nor_served_until_the_quarantine_is_lifted()
    {
        var good = Upstream.AddWheel("proxied-quarantine-pkg", "1.0");
        var bad = Upstream.AddWheel("proxied-quarantine-pkg", "1.1");
        var before = await JsonPageAsync("proxied-quarantine-pkg");
        var badPath = FilePath("proxied-quarantine-pkg", FileNamed(before, bad.Filename));

        var (exit, stdout, stderr) = await CliAsync("project", "quarantine", "proxied-quarantine-pkg", "--version", "1.1", "--reason", "steals tokens");
        Assert.True(exit == 0, stderr);
        Assert.Contains("proxied", stdout);

        var quarantined = await JsonPageAsync("proxied-quarantine-pkg");
        Assert.Equal(["1.0"], Versions(quarantined));
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync(badPath)).StatusCode);
        Assert.Equal(0, Upstream.FileRequests(bad.Filename));
        Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(FilePath("proxied-quarantine-pkg", FileNamed(quarantined, good.Filename)))).StatusCode);
        Assert.True(await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .AnyAsync(e => e.Type == AuditEventType.ReleasesQuarantined && e.Details!.Contains("proxied-quarantine-pkg"))));

        // A second quarantine of the same release is a clear refusal, not a duplicate rule.
        var (again, _, againErr) = await CliAsync("project", "quarantine", "proxied-quarantine-pkg", "--version", "1.1", "--reason", "again");
        Assert.NotEqual(0, again);
        Assert.Contains("Already quarantined", againErr);

        var (lifted, _, liftErr) = await CliAsync("project", "unquarantine", "proxied-quarantine-pkg", "--version", "1.1");
        Assert.True(lifted == 0, liftErr);
        Assert.Equal(["1.0", "1.1"], Versions(await JsonPageAsync("proxied-quarantine-pkg")).Order().ToArray());
    }

    [Fact]
    public async Task Quarantining_a_name_that_is_neither_local_nor_proxied_names_the_problem()
    {
        var (exit, _, stderr) = await CliAsync("project", "quarantine", "never-seen-anywhere", "--reason", "typo");
        Assert.NotEqual(0, exit);
        Assert.Contains("never-seen-anywhere", stderr);
    }
}

public sealed class UpstreamProxyTestsSqlite(SqliteUpstreamProxyServer s) : UpstreamProxyTests<SqliteUpstreamProxyServer>(s), IClassFixture<SqliteUpstreamProxyServer>;

public sealed class UpstreamProxyTestsPostgres(PostgresUpstreamProxyServer s) : UpstreamProxyTests<PostgresUpstreamProxyServer>(s), IClassFixture<PostgresUpstreamProxyServer>;
