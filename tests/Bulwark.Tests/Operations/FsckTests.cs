using System.Security.Cryptography;
using System.Text;
using Bulwark.Cli;
using Bulwark.Core.Data;
using Bulwark.Core.Operations;
using Bulwark.Core.Storage;
using Bulwark.Core.Uploads;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Uploads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Operations;

/// <summary>
/// Plants each kind of damage <c>fsck</c> looks for in a server of its own (the check covers the whole store),
/// checks that each is named, that a repair fixes what it can and names the rest, and that a second check then
/// finds only what cannot be repaired. An object store cannot be given an old modification time, so there the
/// check runs with a clock two hours ahead instead.
/// </summary>
public abstract class FsckTests<TServer>(TServer server) : UploadTestBase<TServer>(server) where TServer : BulwarkServer
{
    /// <summary>Whether blobs can be aged on disk (file system) rather than by moving the check's clock.</summary>
    protected virtual bool LocalStore => true;

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    private Task<IReadOnlyList<FsckFinding>> CheckAsync(bool repair) => Server.WithScopeAsync(sp =>
    {
        TimeProvider clock = LocalStore ? TimeProvider.System : new ShiftedClock(TimeSpan.FromHours(2));
        var leftovers = ActivatorUtilities.CreateInstance<UploadLeftovers>(sp, clock);
        return ActivatorUtilities.CreateInstance<StoreCheck>(sp, leftovers, clock).RunAsync(repair);
    });

    private async Task<(int Exit, string Out)> CliAsync(params string[] args)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bulwark:DataDirectory"] = Server.DataDirectory,
            ["Bulwark:Database"] = Server.Database.ToString(),
        };
        var cs = Server.Services.GetRequiredService<IConfiguration>().GetConnectionString("Bulwark");
        if (!string.IsNullOrEmpty(cs)) settings["ConnectionStrings:Bulwark"] = cs;
        var stdout = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, new StringWriter(), settings: settings);
        return (exit, stdout.ToString());
    }

    private void Age(string path)
    {
        var old = DateTime.UtcNow.AddHours(-2);
        if (LocalStore) File.SetLastWriteTimeUtc(Server.Blobs.GetLocalPath(path)!, old);
    }

    private async Task<(string Name, Bulwark.Core.Packaging.ReleaseFile File)> UploadOneAsync(string token, string stem)
    {
        var spec = new TestDistributions.Spec(UniqueName(stem), "1.0");
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec), token));
        var file = await Server.WithDbAsync(db => db.Files.AsNoTracking().SingleAsync(f => f.Filename == spec.WheelFilename));
        return (spec.Name, file);
    }

    private static void AssertFound(IEnumerable<FsckFinding> findings, FsckFindingKind kind, string subjectPart) =>
        Assert.Contains(findings, f => f.Kind == kind && f.Subject.Contains(subjectPart, StringComparison.Ordinal));

    [Fact]
    public async Task Finds_each_kind_of_damage_repairs_what_it_can_and_names_the_rest()
    {
        var token = await Server.CreateTokenAsync("fsck-uploader");
        var (metaGone, a) = await UploadOneAsync(token, "fsck-meta-gone");
        var (_, b) = await UploadOneAsync(token, "fsck-blob-gone");
        var (_, c) = await UploadOneAsync(token, "fsck-bytes-changed");
        var (_, d) = await UploadOneAsync(token, "fsck-meta-wrong");
        Assert.Empty(await CheckAsync(repair: false));

        var blobs = Server.Blobs;
        const string orphan = "0a/0b/0c0d/orphan_old-1.0-py3-none-any.whl";
        const string young = "0a/0b/0c0e/orphan_young-1.0-py3-none-any.whl";
        const string pendingNamed = "0a/0b/0c0f/crashed_upload-1.0-py3-none-any.whl";
        foreach (var path in new[] { orphan, young, pendingNamed }) await blobs.PutBytesAsync(path, Encoding.UTF8.GetBytes(path));
        Age(orphan);
        Age(pendingNamed);
        var record = PendingBlobs.Record(blobs.TempDirectory, [pendingNamed]);
        File.SetLastWriteTimeUtc(record, DateTime.UtcNow.AddHours(-2));
        await blobs.DeleteAsync(b.BlobPath);
        await blobs.DeleteAsync(c.BlobPath);
        await blobs.PutBytesAsync(c.BlobPath, Encoding.UTF8.GetBytes("not the wheel that was uploaded"));
        await blobs.DeleteAsync(a.BlobPath + ".metadata");
        await blobs.DeleteAsync(d.BlobPath + ".metadata");
        await blobs.PutBytesAsync(d.BlobPath + ".metadata", Encoding.UTF8.GetBytes("Metadata-Version: 2.1\nName: wrong\nVersion: 9\n"));
        await Server.WithDbAsync(db => db.Projects.Where(p => p.Id == a.ProjectId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.LastSerial, 1L).SetProperty(p => p.TotalSize, 5L)));

        var found = await CheckAsync(repair: false);
        AssertFound(found, FsckFindingKind.OrphanBlob, orphan);
        AssertFound(found, FsckFindingKind.MissingBlob, b.Filename);
        AssertFound(found, FsckFindingKind.DigestMismatch, c.Filename);
        AssertFound(found, FsckFindingKind.MissingMetadata, a.Filename);
        AssertFound(found, FsckFindingKind.MetadataMismatch, d.Filename);
        AssertFound(found, FsckFindingKind.StaleSerial, metaGone);
        AssertFound(found, FsckFindingKind.TotalSizeMismatch, metaGone);
        AssertFound(found, FsckFindingKind.PendingLeftover, Path.GetFileName(record));
        if (LocalStore) Assert.DoesNotContain(found, f => f.Subject == young);
        Assert.All(found, f => Assert.Null(f.Repaired));

        if (LocalStore)
        {
            var cli = await CliAsync("fsck");
            Assert.Equal(1, cli.Exit);
            Assert.Contains($"OrphanBlob {orphan}: ", cli.Out);
            Assert.Contains($"DigestMismatch {c.Filename} (file {c.Id}): ", cli.Out);
        }

        var repaired = await CheckAsync(repair: true);
        Assert.All(repaired.Where(f => f.Kind is not (FsckFindingKind.MissingBlob or FsckFindingKind.DigestMismatch)),
            f => Assert.True(f.Repaired is not null, $"{f.Kind} {f.Subject} not repaired: {f.NotRepaired}"));
        Assert.All(repaired.Where(f => f.Kind is FsckFindingKind.MissingBlob or FsckFindingKind.DigestMismatch),
            f => Assert.NotNull(f.NotRepaired));

        var after = await CheckAsync(repair: false);
        Assert.Equal(
            [(FsckFindingKind.MissingBlob, b.Id), (FsckFindingKind.DigestMismatch, c.Id)],
            after.Select(f => (f.Kind, f.Subject == $"{b.Filename} (file {b.Id})" ? b.Id : c.Id)).OrderBy(x => x.Kind).ToList());
        Assert.False(await blobs.ExistsAsync(orphan));
        Assert.False(await blobs.ExistsAsync(pendingNamed));
        Assert.False(File.Exists(record));
        if (LocalStore) Assert.True(await blobs.ExistsAsync(young));
        Assert.Equal(a.MetadataSha256Digest, await Sha256Async(a.BlobPath + ".metadata"));
        Assert.Equal(d.MetadataSha256Digest, await Sha256Async(d.BlobPath + ".metadata"));
        await Server.WithDbAsync(async db =>
        {
            var project = await db.Projects.AsNoTracking().SingleAsync(p => p.Id == a.ProjectId);
            Assert.Equal(await db.Journal.Where(j => j.ProjectName == project.Name).MaxAsync(j => j.Id), project.LastSerial);
            Assert.Equal(a.Size, project.TotalSize);
            return 0;
        });

        if (LocalStore)
        {
            var cli = await CliAsync("fsck", "--repair");
            Assert.Equal(1, cli.Exit);
            Assert.Contains($"MissingBlob {b.Filename} (file {b.Id}): blob {b.BlobPath} is not in the store -> not repaired: ", cli.Out);
        }
    }

    private async Task<string?> Sha256Async(string path)
    {
        var bytes = await Server.ReadBlobAsync(path);
        return bytes is null ? null : Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}

public sealed class FsckTestsSqlite(SqliteServer s) : FsckTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class FsckTestsPostgres(PostgresServer s) : FsckTests<PostgresServer>(s), IClassFixture<PostgresServer>;

public sealed class FsckTestsS3Sqlite(S3SqliteServer s) : FsckTests<S3SqliteServer>(s), IClassFixture<S3SqliteServer>
{
    protected override bool LocalStore => false;
}

public sealed class FsckTestsS3Postgres(S3PostgresServer s) : FsckTests<S3PostgresServer>(s), IClassFixture<S3PostgresServer>
{
    protected override bool LocalStore => false;
}
