using System.Net;
using Bulwark.Core.Storage;
using Bulwark.Core.Uploads;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Uploads;

/// <summary>
/// A server whose data directory already holds what an earlier, interrupted process left behind, and whose blob
/// store fails to write the PEP 658 metadata file of projects named <c>failing-meta-…</c> (a fault after the
/// distribution blob is in place).
/// </summary>
public abstract class LeftoverServer(DatabaseKind database) : BulwarkServer(database)
{
    public const string FailingStem = "failing-meta";
    public const string FreshTempFile = "in-progress-elsewhere.upload";
    public const string OrphanBlob = "0a/0b/0c0d0e0f/orphan-1.0-py3-none-any.whl";

    private static readonly DateTime LongAgo = DateTime.UtcNow.AddHours(-2);

    public string Temp => Path.Combine(DataDirectory, "files", ".tmp");

    protected override void OnStarting()
    {
        Directory.CreateDirectory(Temp);
        Plant(Path.Combine(Temp, "abandoned.upload"), "half a wheel", LongAgo);
        Plant(Path.Combine(Temp, FreshTempFile), "still being written", DateTime.UtcNow);
        Plant(Path.Combine(DataDirectory, "files", OrphanBlob), "a blob whose row never committed", LongAgo);
        Plant(Path.Combine(Temp, "crashed" + PendingBlobs.Extension), OrphanBlob + "\n" + OrphanBlob + ".metadata\n", LongAgo);
    }

    public static void Plant(string path, string content, DateTime lastWrite)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, lastWrite);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IBlobStore>(
            new MetadataWriteFails(new FileSystemBlobStore(Path.Combine(DataDirectory, "files")))));
    }

    private sealed class MetadataWriteFails(IBlobStore inner) : IBlobStore
    {
        public string TempDirectory => inner.TempDirectory;

        public Task<BlobPutResult> PutFileAsync(string path, string sourceFile, CancellationToken ct = default) => inner.PutFileAsync(path, sourceFile, ct);

        public Task<BlobPutResult> PutBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken ct = default) =>
            path.Contains(FailingStem.Replace('-', '_'), StringComparison.Ordinal)
                ? throw new IOException("No space left on device (injected by the test)")
                : inner.PutBytesAsync(path, bytes, ct);

        public Task<Stream?> OpenReadAsync(string path, CancellationToken ct = default) => inner.OpenReadAsync(path, ct);
        public string? GetLocalPath(string path) => inner.GetLocalPath(path);
        public ValueTask<Uri?> GetDownloadUrlAsync(string path, string contentType, CancellationToken ct = default) => inner.GetDownloadUrlAsync(path, contentType, ct);
        public Task<bool> ExistsAsync(string path, CancellationToken ct = default) => inner.ExistsAsync(path, ct);
        public Task<bool> DeleteAsync(string path, CancellationToken ct = default) => inner.DeleteAsync(path, ct);
        public IAsyncEnumerable<StoredBlob> ListAsync(CancellationToken ct = default) => inner.ListAsync(ct);
        public Task CheckAvailableAsync(CancellationToken ct = default) => inner.CheckAvailableAsync(ct);
    }
}

public sealed class LeftoverSqliteServer() : LeftoverServer(DatabaseKind.Sqlite);

public sealed class LeftoverPostgresServer() : LeftoverServer(DatabaseKind.Postgres);

/// <summary>Interrupted uploads leave nothing in storage that no row explains: at start-up, after a fault, after a crash.</summary>
public abstract class UploadLeftoverTests<TServer>(TServer server) : UploadTestBase<TServer>(server) where TServer : LeftoverServer
{
    private string[] TempFiles() => [.. Directory.GetFiles(Server.Temp).Select(Path.GetFileName).Where(f => f != LeftoverServer.FreshTempFile).Order()!];

    [Fact]
    public void Stale_temp_files_and_blobs_of_a_crashed_upload_are_gone_at_start_up()
    {
        Assert.False(File.Exists(Path.Combine(Server.Temp, "abandoned.upload")), "the abandoned temp file is still there");
        Assert.False(File.Exists(Path.Combine(Server.Temp, "crashed" + PendingBlobs.Extension)), "the pending record is still there");
        Assert.False(File.Exists(Path.Combine(Server.DataDirectory, "files", LeftoverServer.OrphanBlob)), "the orphan blob is still there");
        // Recent temp files may belong to an upload of another process sharing the data directory.
        Assert.True(File.Exists(Path.Combine(Server.Temp, LeftoverServer.FreshTempFile)), "a temp file in use was removed");
    }

    [Fact]
    public async Task A_fault_after_the_blob_is_written_removes_the_blob_and_leaves_no_row()
    {
        var name = UniqueName(LeftoverServer.FailingStem);
        var spec = new TestDistributions.Spec(name, "1.0");
        var token = await Server.CreateTokenAsync("f" + name[^8..]);

        try
        {
            var response = await UploadAsync(UploadForm.For(spec), token);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The in-memory server hands the endpoint's exception to the client instead of a 500.
        }

        Assert.False(await Server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == name)), "a project row");
        Assert.Empty(Directory.GetFiles(Path.Combine(Server.DataDirectory, "files"), spec.WheelFilename + "*", SearchOption.AllDirectories));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task A_pending_record_left_by_a_crash_removes_its_unreferenced_blobs_and_keeps_the_others()
    {
        var name = UniqueName("kept");
        var spec = new TestDistributions.Spec(name, "1.0");
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec), await Server.CreateTokenAsync("k" + name[^8..])));
        var kept = await Server.WithDbAsync(db => db.Files.Where(f => f.Filename == spec.WheelFilename).Select(f => f.BlobPath).SingleAsync());
        var orphan = "1a/2b/3c4d/orphan_" + name[^8..] + "-1.0-py3-none-any.whl";
        LeftoverServer.Plant(Path.Combine(Server.DataDirectory, "files", orphan), "never committed", DateTime.UtcNow.AddHours(-3));
        var record = PendingBlobs.Record(Server.Temp, [kept, kept + ".metadata", orphan, orphan + ".metadata"]);
        File.SetLastWriteTimeUtc(record, DateTime.UtcNow.AddHours(-3));
        var recent = PendingBlobs.Record(Server.Temp, [orphan]);

        var swept = await Server.WithScopeAsync(sp => sp.GetRequiredService<UploadLeftovers>().SweepAsync(CancellationToken.None));

        Assert.Equal(1, swept.Blobs);
        Assert.False(File.Exists(Path.Combine(Server.DataDirectory, "files", orphan)), "the orphan blob is still there");
        Assert.True(File.Exists(Path.Combine(Server.DataDirectory, "files", kept)), "a blob a row uses was removed");
        Assert.True(File.Exists(Path.Combine(Server.DataDirectory, "files", kept + ".metadata")), "a metadata blob a row uses was removed");
        Assert.False(File.Exists(record), "the stale record is still there");
        Assert.True(File.Exists(recent), "a record of an upload in progress was taken");
        File.Delete(recent);
    }
}

public sealed class UploadLeftoverTestsSqlite(LeftoverSqliteServer s) : UploadLeftoverTests<LeftoverSqliteServer>(s), IClassFixture<LeftoverSqliteServer>;

public sealed class UploadLeftoverTestsPostgres(LeftoverPostgresServer s) : UploadLeftoverTests<LeftoverPostgresServer>(s), IClassFixture<LeftoverPostgresServer>;
