using System.Security.Cryptography;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Audit;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Uploads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Bulwark.Tests.Operations;

/// <summary>
/// <c>backup</c> taken while the server serves reads and an upload, <c>restore</c> into a fresh data directory and
/// database, and a server started on the result: the simple pages (HTML and JSON), every file's bytes, every account
/// (password hashes, tokens, second factors, the TOTP seed still decrypting) and the audit chain are as they were.
/// Also the refusals (non-empty targets) and a blob deleted before the backup, which is named, not skipped: its restore
/// is refused with nothing written, and goes through with <c>--allow-missing</c>.
/// </summary>
public abstract class BackupRestoreTests<TServer>(TServer server, ITestOutputHelper output) : UploadTestBase<TServer>(server) where TServer : BulwarkServer
{
    private static Dictionary<string, string?> Settings(DatabaseKind database, string dataDirectory, string? postgres) =>
        BackupTestKit.Settings(database, dataDirectory, postgres);

    private Task<(int Exit, string Out, string Err)> CliAsync(Dictionary<string, string?> settings, params string[] args) =>
        BackupTestKit.CliAsync(output, settings, s3: false, args);

    [Fact]
    public async Task Round_trip_taken_while_serving_keeps_index_files_accounts_and_audit_chain()
    {
        var source = Settings(Server.Database, Server.DataDirectory, Server.PostgresConnectionString);
        var token = await Server.CreateTokenAsync(UniqueName("backup-bot"));
        var a1 = new TestDistributions.Spec(UniqueName("backup-a"), "1.0");
        var a2 = a1 with { Version = "2.0" };
        var b1 = new TestDistributions.Spec(UniqueName("backup-b"), "1.0");
        foreach (var form in new[] { UploadForm.For(a1), UploadForm.For(a1, wheel: false), UploadForm.For(a2), UploadForm.For(b1) })
            await AssertOkAsync(await UploadAsync(form, token));
        Assert.Equal(0, (await CliAsync(source, "project", "yank", a1.Name, "1.0", "--reason", "broken")).Exit);

        var seed = RandomNumberGenerator.GetBytes(20);
        var human = await Server.WithScopeAsync(async sp =>
        {
            var user = (await sp.GetRequiredService<UserService>().CreateAsync(UniqueName("backup-human"), $"{Guid.NewGuid():N}@example.com",
                "a long and unusual passphrase 7", false, true, new Actor("test", "test"))).Value;
            var db = sp.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>();
            db.TotpCredentials.Add(new TotpCredential
            {
                UserId = user.Id, EncryptedSecret = sp.GetRequiredService<TotpSecrets>().Protect(seed, user.Id),
                CreatedAt = DateTimeOffset.UtcNow, ConfirmedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            await SecondFactorSeeding.EnrolAsync(db, user.Id, SecondFactorSeeding.Factor.SecurityKey);
            return user;
        });

        // The backup runs while the server answers pages and takes an upload.
        var backup = BackupTestKit.TempDirectory();
        var client = Server.CreateClient();
        var upload = UploadAsync(UploadForm.For(new TestDistributions.Spec(UniqueName("backup-during"), "1.0")), token);
        var taken = await BackupTestKit.WhileServingAsync(client, $"/simple/{a1.Name}/", () => CliAsync(source, "backup", backup));
        await AssertOkAsync(await upload);
        Assert.Equal(0, taken.Exit);
        Assert.True(File.Exists(Path.Combine(backup, "manifest.json")));
        Assert.True(File.Exists(Path.Combine(backup, Server.Database == DatabaseKind.Sqlite ? "bulwark.db" : "database.dump")));

        var again = await CliAsync(source, "backup", backup);
        Assert.Equal(1, again.Exit);
        Assert.Contains("is not empty", again.Err);
        var overLive = await CliAsync(source, "restore", backup);
        Assert.Equal(1, overLive.Exit);
        Assert.Contains($"The data directory {Path.GetFullPath(Server.DataDirectory)} is not empty", overLive.Err);

        var data = BackupTestKit.TempDirectory();
        var postgres = Server.Database == DatabaseKind.Postgres ? await TestDatabases.CreatePostgresDatabaseAsync() : null;
        if (postgres is not null)
        {
            var intoUsed = await CliAsync(Settings(DatabaseKind.Postgres, BackupTestKit.TempDirectory(), Server.PostgresConnectionString), "restore", backup);
            Assert.Equal(1, intoUsed.Exit);
            Assert.Contains("is not empty (it holds the tables", intoUsed.Err);
        }
        else
        {
            // A SQLite file named by the connection string, outside the (empty) data directory, is a target too.
            var scratch = BackupTestKit.TempDirectory();
            Directory.CreateDirectory(scratch);
            var existing = Path.Combine(scratch, "other.db");
            await File.WriteAllTextAsync(existing, "another index's database");
            var overFile = Settings(DatabaseKind.Sqlite, BackupTestKit.TempDirectory(), null);
            overFile["ConnectionStrings:Bulwark"] = $"Data Source={existing}";
            var intoFile = await CliAsync(overFile, "restore", backup);
            Assert.Equal(1, intoFile.Exit);
            Assert.Contains($"The SQLite database {existing} (ConnectionStrings:Bulwark) already exists", intoFile.Err);
            Assert.Equal("another index's database", await File.ReadAllTextAsync(existing));
            Directory.Delete(scratch, recursive: true);
        }
        var target = Settings(Server.Database, data, postgres);
        var restore = await CliAsync(target, "restore", backup);
        Assert.True(restore.Exit == 0, restore.Err);

        await using var restored = new BackupTestKit.RestoredServer(Server.Database, data, postgres);
        await ((Xunit.IAsyncLifetime)restored).InitializeAsync();
        var restoredClient = restored.CreateClient();
        await BackupTestKit.AssertSameProjectsAsync(client, restoredClient, [a1.Name, b1.Name]);
        Assert.Contains("data-yanked=\"broken\"", await BackupTestKit.PageAsync(restoredClient, $"/simple/{a1.Name}/"));

        var files = await restored.WithDbAsync(db => db.Files.AsNoTracking().Select(f => new { f.Filename, f.BlobPath, f.Sha256Digest }).ToListAsync());
        Assert.Equal(await Server.WithDbAsync(db => db.Files.CountAsync(f => files.Select(r => r.Filename).Contains(f.Filename))), files.Count);
        foreach (var file in new[] { a1.WheelFilename, a1.SdistFilename, a2.WheelFilename, b1.WheelFilename }) Assert.Contains(files, f => f.Filename == file);
        foreach (var file in files)
        {
            var bytes = await restored.ReadBlobAsync(file.BlobPath);
            Assert.NotNull(bytes);
            Assert.Equal(await Server.ReadBlobAsync(file.BlobPath), bytes);
            Assert.Equal(file.Sha256Digest, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        Assert.Equal(await BackupTestKit.AccountsAsync(Server), await BackupTestKit.AccountsAsync(restored));
        Assert.Equal(await BackupTestKit.FactorsAsync(Server), await BackupTestKit.FactorsAsync(restored));
        var decrypted = await restored.WithScopeAsync(async sp =>
        {
            var credential = await sp.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>().TotpCredentials.SingleAsync(c => c.UserId == human.Id);
            return sp.GetRequiredService<TotpSecrets>().Unprotect(credential);
        });
        Assert.Equal(seed, decrypted);
        var verify = await CliAsync(target, "audit", "verify");
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.Equal(0, (await CliAsync(target, "fsck")).Exit);

        // A blob lost before the backup is named in the report and the manifest, and the restore of it says so.
        var lost = await Server.WithDbAsync(db => db.Files.AsNoTracking().SingleAsync(f => f.Filename == b1.WheelFilename));
        Assert.True(await Server.Blobs.DeleteAsync(lost.BlobPath));
        var incomplete = BackupTestKit.TempDirectory();
        var partial = await CliAsync(source, "backup", incomplete);
        Assert.Equal(1, partial.Exit);
        Assert.Contains(lost.BlobPath, partial.Err);
        Assert.Contains(lost.BlobPath, await File.ReadAllTextAsync(Path.Combine(incomplete, "manifest.json")));
        var postgres2 = Server.Database == DatabaseKind.Postgres ? await TestDatabases.CreatePostgresDatabaseAsync() : null;
        var partialData = BackupTestKit.TempDirectory();
        var partialRestore = await CliAsync(Settings(Server.Database, partialData, postgres2), "restore", incomplete);
        Assert.Equal(1, partialRestore.Exit);
        Assert.Contains($"{lost.BlobPath}: was already gone from the store when the backup was taken", partialRestore.Err);
        // Refused whole: nothing of the backup was written, so the same targets take the restore that is allowed to go on.
        Assert.Contains("Nothing was restored", partialRestore.Err);
        Assert.False(Directory.Exists(partialData));
        if (postgres2 is not null) Assert.Empty(await BackupTestKit.PostgresTablesAsync(postgres2));
        var allowed = await CliAsync(Settings(Server.Database, partialData, postgres2), "restore", incomplete, "--allow-missing");
        Assert.True(allowed.Exit == 0, allowed.Err);
        Assert.Contains($"warning: restored without {lost.BlobPath}: ", allowed.Err);
        var found = await CliAsync(Settings(Server.Database, partialData, postgres2), "fsck");
        Assert.Equal(1, found.Exit);
        Assert.Contains($"MissingBlob {b1.WheelFilename}", found.Out);
        Directory.Delete(partialData, recursive: true);
        if (postgres2 is not null) await TestDatabases.DropPostgresDatabaseAsync(postgres2);
        foreach (var dir in new[] { backup, incomplete }) Directory.Delete(dir, recursive: true);
    }
}

public sealed class BackupRestoreTestsSqlite(SqliteServer s, ITestOutputHelper o) : BackupRestoreTests<SqliteServer>(s, o), IClassFixture<SqliteServer>;

public sealed class BackupRestoreTestsPostgres(PostgresServer s, ITestOutputHelper o) : BackupRestoreTests<PostgresServer>(s, o), IClassFixture<PostgresServer>;
