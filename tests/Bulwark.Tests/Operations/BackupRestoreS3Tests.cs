using Amazon.S3.Model;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Hosting;
using Bulwark.Operations;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Uploads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Bulwark.Tests.Operations;

/// <summary>
/// <c>backup</c> and <c>restore</c> of an index whose files live in an S3 bucket (s3rver on loopback, under a key
/// prefix). The backup lists the objects with their sha256 and copies none; a restore configured with the same bucket
/// and prefix gives an index with the same pages, file bytes, accounts and audit chain. A restore is refused, naming
/// each object, when an object was deleted or overwritten after the backup, and when it is configured with another
/// (empty) bucket; a refused restore leaves the data directory and the database as empty as it found them.
/// </summary>
public abstract class BackupRestoreS3Tests<TServer>(TServer server, ITestOutputHelper output) : UploadTestBase<TServer>(server)
    where TServer : S3BackedServer
{
    /// <summary>The source server's storage settings (kind, endpoint, bucket, prefix): a restore uses the same.</summary>
    private Dictionary<string, string?> Storage => Server.Services.GetRequiredService<IConfiguration>().GetSection("Bulwark:Storage").AsEnumerable()
        .Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value);

    private string Key(string path) => Storage["Bulwark:Storage:S3:Prefix"] + path;

    private Task<(int Exit, string Out, string Err)> CliAsync(Dictionary<string, string?> settings, params string[] args) =>
        BackupTestKit.CliAsync(output, settings, s3: true, args);

    private Dictionary<string, string?> Source => BackupTestKit.Settings(Server.Database, Server.DataDirectory, Server.PostgresConnectionString, Storage);

    /// <summary>A fresh data directory and (on PostgreSQL) a fresh database, with the given storage settings.</summary>
    private async Task<(string Data, string? Postgres, Dictionary<string, string?> Settings)> EmptyTargetAsync(Dictionary<string, string?>? storage = null)
    {
        var data = BackupTestKit.TempDirectory();
        var postgres = Server.Database == DatabaseKind.Postgres ? await TestDatabases.CreatePostgresDatabaseAsync() : null;
        return (data, postgres, BackupTestKit.Settings(Server.Database, data, postgres, storage ?? Storage));
    }

    /// <summary>A refused restore wrote nothing: no data directory, no tables.</summary>
    private static async Task AssertUntouchedAsync(string data, string? postgres)
    {
        Assert.False(Directory.Exists(data), $"{data} was left behind");
        if (postgres is not null) Assert.Empty(await BackupTestKit.PostgresTablesAsync(postgres));
    }

    private async Task PutObjectAsync(string path, byte[] bytes)
    {
        using var s3 = Server.S3.CreateClient();
        using var body = new MemoryStream(bytes);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = Server.S3.Bucket, Key = Key(path), InputStream = body, UseChunkEncoding = false });
    }

    [Fact]
    public async Task Round_trip_lists_the_objects_without_copying_them_and_restores_the_same_index()
    {
        var token = await Server.CreateTokenAsync(UniqueName("s3-backup-bot"));
        var a1 = new TestDistributions.Spec(UniqueName("s3-backup-a"), "1.0");
        var a2 = a1 with { Version = "2.0" };
        var b1 = new TestDistributions.Spec(UniqueName("s3-backup-b"), "1.0");
        foreach (var form in new[] { UploadForm.For(a1), UploadForm.For(a1, wheel: false), UploadForm.For(a2), UploadForm.For(b1) })
            await AssertOkAsync(await UploadAsync(form, token));
        Assert.Equal(0, (await CliAsync(Source, "project", "yank", a1.Name, "1.0", "--reason", "broken")).Exit);
        await Server.WithScopeAsync(sp => sp.GetRequiredService<UserService>().CreateAsync(UniqueName("s3-backup-human"),
            $"{Guid.NewGuid():N}@example.com", "a long and unusual passphrase 7", false, true, new Actor("test", "test")));

        // Taken while the server answers pages and takes an upload.
        var backup = BackupTestKit.TempDirectory();
        var client = Server.CreateClient();
        var upload = UploadAsync(UploadForm.For(new TestDistributions.Spec(UniqueName("s3-backup-during"), "1.0")), token);
        var taken = await BackupTestKit.WhileServingAsync(client, $"/simple/{a1.Name}/", () => CliAsync(Source, "backup", backup));
        await AssertOkAsync(await upload);
        Assert.True(taken.Exit == 0, taken.Err);
        Assert.Contains("listed", taken.Out);

        // The manifest lists every object of the snapshot with the digest the database records, and copied none.
        var manifest = await BackupManifest.ReadAsync(backup, CancellationToken.None);
        Assert.NotNull(manifest);
        Assert.Equal("S3", manifest.Storage);
        Assert.False(manifest.BlobsCopied);
        Assert.False(Directory.Exists(Path.Combine(backup, BackupManifest.FilesDirectory)));
        Assert.Equal(new BackupBucket(Server.S3.ServiceUrl, Server.S3.Bucket, "index"), manifest.Bucket);
        Assert.Empty(manifest.MissingBlobs);
        var rows = await Server.WithDbAsync(db => db.Files.AsNoTracking().Select(f => new { f.Filename, f.BlobPath, f.Sha256Digest, f.MetadataSha256Digest }).ToListAsync());
        var recorded = rows.Select(r => (r.BlobPath, r.Sha256Digest))
            .Concat(rows.Where(r => r.MetadataSha256Digest is not null).Select(r => (r.BlobPath + ".metadata", r.MetadataSha256Digest!)))
            .ToDictionary(r => r.Item1, r => r.Item2);
        Assert.All(manifest.Blobs, blob => Assert.Equal(recorded[blob.Path], blob.Sha256));
        Assert.Equal(manifest.Counts.Blobs, manifest.Blobs.Count);
        foreach (var file in new[] { a1.WheelFilename, a1.SdistFilename, a2.WheelFilename, b1.WheelFilename })
        {
            var row = rows.Single(r => r.Filename == file);
            Assert.Contains(manifest.Blobs, b => b.Path == row.BlobPath);
            if (row.MetadataSha256Digest is not null) Assert.Contains(manifest.Blobs, b => b.Path == row.BlobPath + ".metadata");
        }

        var (data, postgres, target) = await EmptyTargetAsync();
        var restore = await CliAsync(target, "restore", backup);
        Assert.True(restore.Exit == 0, restore.Err);

        await using var restored = new BackupTestKit.RestoredServer(Server.Database, data, postgres, Storage);
        await ((Xunit.IAsyncLifetime)restored).InitializeAsync();
        var restoredClient = restored.CreateClient();
        await BackupTestKit.AssertSameProjectsAsync(client, restoredClient, [a1.Name, b1.Name]);
        Assert.Contains("data-yanked=\"broken\"", await BackupTestKit.PageAsync(restoredClient, $"/simple/{a1.Name}/"));
        Assert.Equal(await BackupTestKit.AccountsAsync(Server), await BackupTestKit.AccountsAsync(restored));
        Assert.Equal(await BackupTestKit.FactorsAsync(Server), await BackupTestKit.FactorsAsync(restored));
        var verify = await CliAsync(target, "audit", "verify");
        Assert.True(verify.Exit == 0, verify.Err);
        var fsck = await CliAsync(target, "fsck");
        Assert.True(fsck.Exit == 0, fsck.Out + fsck.Err);
        Directory.Delete(backup, recursive: true);
    }

    [Fact]
    public async Task Restore_names_objects_deleted_or_changed_since_the_backup_and_a_bucket_without_them_and_writes_nothing()
    {
        var token = await Server.CreateTokenAsync(UniqueName("s3-loss-bot"));
        var spec = new TestDistributions.Spec(UniqueName("s3-loss"), "1.0");
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec), token));
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec, wheel: false), token));
        var backup = BackupTestKit.TempDirectory();
        var taken = await CliAsync(Source, "backup", backup);
        Assert.True(taken.Exit == 0, taken.Err);
        var wheel = await Server.WithDbAsync(db => db.Files.AsNoTracking().SingleAsync(f => f.Filename == spec.WheelFilename));
        var sdist = await Server.WithDbAsync(db => db.Files.AsNoTracking().SingleAsync(f => f.Filename == spec.SdistFilename));
        var wheelBytes = (await Server.ReadBlobAsync(wheel.BlobPath))!;
        var sdistBytes = (await Server.ReadBlobAsync(sdist.BlobPath))!;

        // The objects are put back whatever happens, so that the other test of the class finds the bucket whole.
        try
        {
            // Deleted after the backup: named, nothing written; once the object is back, the same targets take the restore.
            Assert.True(await Server.Blobs.DeleteAsync(wheel.BlobPath));
            var (data, postgres, target) = await EmptyTargetAsync();
            var deleted = await CliAsync(target, "restore", backup);
            Assert.Equal(1, deleted.Exit);
            Assert.Contains("Nothing was restored", deleted.Err);
            Assert.Contains($"{wheel.BlobPath}: missing (not in the store)", deleted.Err);
            Assert.Contains($"bucket '{Server.S3.Bucket}' under prefix 'index/'", deleted.Err);
            Assert.DoesNotContain(sdist.BlobPath, deleted.Err);
            await AssertUntouchedAsync(data, postgres);
            await PutObjectAsync(wheel.BlobPath, wheelBytes);
            var again = await CliAsync(target, "restore", backup);
            Assert.True(again.Exit == 0, again.Err);
            Assert.Equal(0, (await CliAsync(target, "fsck")).Exit);

            // Overwritten with other bytes after the backup: named as damaged.
            await PutObjectAsync(sdist.BlobPath, "not the sdist that was uploaded"u8.ToArray());
            var (data2, postgres2, target2) = await EmptyTargetAsync();
            var damaged = await CliAsync(target2, "restore", backup);
            Assert.Equal(1, damaged.Exit);
            Assert.Contains($"{sdist.BlobPath}: damaged: the store holds 31 bytes hashing to sha256 ", damaged.Err);
            Assert.Contains(sdist.Sha256Digest, damaged.Err);
            Assert.DoesNotContain($"{wheel.BlobPath}:", damaged.Err);
            await AssertUntouchedAsync(data2, postgres2);
            await PutObjectAsync(sdist.BlobPath, sdistBytes);

            // Another bucket, empty: not one object is there, which says the configuration is wrong, not that files were lost.
            var empty = "bulwark-empty-" + Guid.NewGuid().ToString("N")[..8];
            using (var s3 = Server.S3.CreateClient()) await s3.PutBucketAsync(new PutBucketRequest { BucketName = empty });
            var elsewhere = new Dictionary<string, string?>(Storage) { ["Bulwark:Storage:S3:Bucket"] = empty };
            var (data3, postgres3, target3) = await EmptyTargetAsync(elsewhere);
            var wrongBucket = await CliAsync(target3, "restore", backup);
            Assert.Equal(1, wrongBucket.Exit);
            Assert.Contains($"objects the backup lists is in bucket '{empty}' under prefix 'index/'", wrongBucket.Err);
            Assert.Contains($"the backup lists the objects of bucket '{Server.S3.Bucket}' under prefix 'index/'", wrongBucket.Err);
            await AssertUntouchedAsync(data3, postgres3);
            // Not even --allow-missing restores from a bucket that holds none of the objects.
            Assert.Equal(1, (await CliAsync(target3, "restore", backup, "--allow-missing")).Exit);
            await AssertUntouchedAsync(data3, postgres3);

            // A configuration on local disk cannot hold objects the backup never copied.
            var (data4, postgres4, target4) = await EmptyTargetAsync(new Dictionary<string, string?>());
            var onDisk = await CliAsync(target4, "restore", backup);
            Assert.Equal(1, onDisk.Exit);
            Assert.Contains("The backup did not copy its files: they stay in bucket", onDisk.Err);
            Assert.Contains("Bulwark:Storage:Kind=S3", onDisk.Err);
            await AssertUntouchedAsync(data4, postgres4);
            foreach (var pg in new[] { postgres, postgres2, postgres3, postgres4 }.OfType<string>()) await TestDatabases.DropPostgresDatabaseAsync(pg);
            Directory.Delete(data, recursive: true);
        }
        finally
        {
            await PutObjectAsync(wheel.BlobPath, wheelBytes);
            await PutObjectAsync(sdist.BlobPath, sdistBytes);
            Directory.Delete(backup, recursive: true);
        }
    }
}

public sealed class BackupRestoreS3TestsS3Sqlite(S3SqliteServer s, ITestOutputHelper o) : BackupRestoreS3Tests<S3SqliteServer>(s, o), IClassFixture<S3SqliteServer>;

public sealed class BackupRestoreS3TestsS3Postgres(S3PostgresServer s, ITestOutputHelper o) : BackupRestoreS3Tests<S3PostgresServer>(s, o), IClassFixture<S3PostgresServer>;
