using System.Net;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>A server whose operator chose to refuse malicious uploads instead of holding them.</summary>
public sealed class ScanRefusingSqliteServer() : BulwarkServer(DatabaseKind.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Bulwark:Scanning:Malicious", "Refuse")];
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class ScanRefusingPostgresServer() : BulwarkServer(DatabaseKind.Postgres)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Bulwark:Scanning:Malicious", "Refuse")];
}

/// <summary><c>Bulwark:Scanning:Malicious = Refuse</c>: a malicious upload gets a 400 naming the finding, and nothing is stored.</summary>
public abstract class UploadScanRefusalTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task A_malicious_upload_is_refused_naming_the_finding_and_nothing_is_stored()
    {
        var (name, token) = await PublishAsync(null, "1.0");
        var spec = new TestDistributions.Spec(name, "2.0");

        var response = await ScanUploads.SendAsync(Server, token, ScanUploads.SdistWithSetupPy(spec, ScanUploads.DownloadAndRun));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith($"The file {spec.SdistFilename} was refused by the malware scan (shell-downloader in ", response.ReasonPhrase);
        Assert.False(await Server.WithDbAsync(db => db.Releases.AnyAsync(r => r.Project.Name == name && r.Version == "2.0")));
        Assert.False(await Server.WithDbAsync(db => db.Files.AnyAsync(f => f.Filename == spec.SdistFilename)));
        Assert.False(await Server.WithDbAsync(db => db.ProjectReports.AnyAsync(r => r.ProjectName == name)));
        // The blob store keeps a file under its own name: none was written (nor left in the upload's temp files).
        Assert.Empty(Directory.GetFiles(Server.DataDirectory, spec.SdistFilename + "*", SearchOption.AllDirectories));
        Assert.DoesNotContain("-2.0", await SimpleHtmlAsync(name));
    }

    [Fact]
    public async Task A_suspicious_upload_is_still_accepted()
    {
        var (name, token) = await PublishAsync(null, "1.0");
        var spec = new TestDistributions.Spec(name, "2.0");
        var response = await ScanUploads.SendAsync(Server, token, ScanUploads.SdistWithSetupPy(spec, ScanUploads.InstallBeacon));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(spec.SdistFilename, await SimpleHtmlAsync(name));
    }
}

public sealed class UploadScanRefusalTestsSqlite(ScanRefusingSqliteServer s) : UploadScanRefusalTests<ScanRefusingSqliteServer>(s), IClassFixture<ScanRefusingSqliteServer>;

public sealed class UploadScanRefusalTestsPostgres(ScanRefusingPostgresServer s) : UploadScanRefusalTests<ScanRefusingPostgresServer>(s), IClassFixture<ScanRefusingPostgresServer>;
