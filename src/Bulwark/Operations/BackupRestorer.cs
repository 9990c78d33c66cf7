using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Storage;
using Bulwark.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bulwark.Operations;

/// <summary>What a restore put in place, and the blobs it restored without (only with <c>--allow-missing</c>).</summary>
public sealed record RestoreReport(BackupManifest Manifest, IReadOnlyList<string> Problems);

/// <summary>
/// <c>restore DIR</c>: puts a backup written by <see cref="BackupWriter"/> into an empty data directory and an empty
/// database. The blobs come first: copied ones are put into the store, and every blob the manifest lists is read back
/// from the store and checked against the manifest's size and sha256 (on S3, where a backup lists objects without
/// copying them, this is the check that the bucket still holds them). Only then are the keys and the database put in
/// place, so a backup that cannot be restored whole is refused while nothing of it has been written, and anything a
/// failed restore did write is removed again: a half-restored index would look like a restored one, and a second
/// attempt would be refused as "not empty". Services are resolved only after the emptiness checks: resolving the
/// blob store or the database would itself create files in the data directory.
/// </summary>
public sealed class BackupRestorer(IServiceProvider services, IOptions<BulwarkOptions> options, IConfiguration configuration)
{
    /// <param name="allowMissing">Restore even when blobs are missing or damaged (each is reported); never when none is found.</param>
    public async Task<Outcome<RestoreReport>> RunAsync(string directory, bool allowMissing = false, CancellationToken ct = default)
    {
        directory = Path.GetFullPath(directory);
        var manifest = await BackupManifest.ReadAsync(directory, ct);
        if (manifest is null)
            return Refusal.NotFound($"{directory} holds no finished Bulwark backup ({BackupManifest.FileName} is missing or unreadable).");
        if (manifest.FormatVersion != BackupManifest.CurrentFormat)
            return Refusal.Invalid($"The backup is in format {manifest.FormatVersion}; this Bulwark reads format {BackupManifest.CurrentFormat}.");
        var kind = options.Value.Database;
        if (manifest.Database != kind.ToString())
            return Refusal.Invalid($"The backup is of a {manifest.Database} database and this configuration uses {kind} (Bulwark:Database); restore into the same kind.");
        var storage = configuration.GetValue(StorageServices.KindKey, StorageKind.FileSystem);
        // Objects that were listed, not copied, exist only in their bucket: a local store could never hold them.
        if (!manifest.BlobsCopied && storage != StorageKind.S3)
        {
            return Refusal.Invalid($"The backup did not copy its files: they stay in {(manifest.Bucket?.ToString() ?? "the S3 bucket it was taken from")}, " +
                                   $"and this configuration keeps files on local disk ({StorageServices.KindKey} is {storage}). " +
                                   $"Restore with {StorageServices.KindKey}=S3 and that bucket and prefix.");
        }

        // Only empty targets: restoring over live data would mix two indexes' rows and blobs with no way to tell them apart.
        var data = DataServices.DataDirectory(options.Value);
        if (BackupFiles.Contents(data) is { } present)
            return Refusal.Conflict($"The data directory {data} is not empty (it holds {present}); restore only into an empty one.");
        var sqlite = kind == DatabaseKind.Sqlite ? SqliteTarget(data) : null;
        // A database file named by ConnectionStrings:Bulwark outside the data directory escapes the check above; the
        // SQLite backup API would overwrite it whole.
        if (sqlite is not null && File.Exists(sqlite))
            return Refusal.Conflict($"The SQLite database {sqlite} (ConnectionStrings:Bulwark) already exists; restore only into a new database file.");
        if (kind == DatabaseKind.Postgres)
        {
            if (PostgresTools.Find("pg_restore") is null) return PostgresTools.Missing("pg_restore");
            if (await PostgresTablesAsync(ct) is { } tables)
                return Refusal.Conflict($"The database of ConnectionStrings:Bulwark is not empty (it holds the tables {tables}); restore only into an empty database.");
        }
        var database = Path.Combine(directory, kind == DatabaseKind.Postgres ? BackupManifest.PostgresFile : BackupManifest.SqliteFile);
        if (!File.Exists(database)) return Refusal.Invalid($"{database} is missing from the backup.");
        var files = Path.Combine(directory, BackupManifest.FilesDirectory);
        if (manifest.BlobsCopied && !Directory.Exists(files))
            return Refusal.Invalid($"The manifest says the files were copied, but {files} does not exist.");

        var createdData = !Directory.Exists(data);
        Directory.CreateDirectory(data);
        try
        {
            var outcome = await RestoreAsync(directory, manifest, storage, data, allowMissing, ct);
            if (!outcome.Succeeded) Undo(data, createdData, sqlite);
            return outcome;
        }
        catch
        {
            Undo(data, createdData, sqlite);
            throw;
        }
    }

    private async Task<Outcome<RestoreReport>> RestoreAsync(string directory, BackupManifest manifest, StorageKind storage, string data,
        bool allowMissing, CancellationToken ct)
    {
        var blobs = services.GetRequiredService<IBlobStore>();
        var store = storage == StorageKind.S3 ? BackupBucket.From(configuration).ToString() : $"the local store {Path.Combine(data, "files")}";
        try
        {
            await blobs.CheckAvailableAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Refusal.Unavailable($"Nothing was restored: {store} cannot be read ({e.Message}).");
        }
        var findings = await BackupBlobCheck.RunAsync(blobs, manifest, Path.Combine(directory, BackupManifest.FilesDirectory), ct);
        if (BackupBlobCheck.Refuse(findings, manifest, store, allowMissing) is { } refusal) return refusal;

        BackupFiles.CopyTree(Path.Combine(directory, BackupManifest.KeysDirectory), Path.Combine(data, BackupManifest.KeysDirectory));
        var restored = options.Value.Database == DatabaseKind.Postgres ? await RestorePostgresAsync(directory, ct) : await RestoreSqliteAsync(directory, ct);
        if (restored.Refusal is { } failed) return failed with { Message = "Nothing was restored: " + failed.Message };
        // A backup of an older version gets this version's migrations, as a server start would apply them.
        await DataServices.InitializeDatabaseAsync(services, ct);
        return new RestoreReport(manifest, findings.Problems);
    }

    /// <summary>
    /// Removes what a failed restore wrote. Every target was empty or absent when it began (checked above), so all
    /// that is in them now is its own. PostgreSQL needs nothing here: <c>pg_restore --single-transaction</c> is the
    /// last write, and a failed one leaves the database as empty as it was.
    /// </summary>
    private static void Undo(string data, bool createdData, string? sqlite)
    {
        SqliteConnection.ClearAllPools();
        if (sqlite is not null)
        {
            foreach (var file in new[] { sqlite, sqlite + "-wal", sqlite + "-shm", sqlite + "-journal" }) File.Delete(file);
        }
        if (createdData)
        {
            Directory.Delete(data, recursive: true);
            return;
        }
        foreach (var entry in new DirectoryInfo(data).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo dir) dir.Delete(recursive: true);
            else entry.Delete();
        }
    }

    /// <summary>The SQLite file the restore writes: ConnectionStrings:Bulwark's, else bulwark.db in the data directory (as <see cref="DataServices"/> opens it).</summary>
    private string SqliteTarget(string data)
    {
        var cs = configuration.GetConnectionString("Bulwark");
        return string.IsNullOrWhiteSpace(cs)
            ? Path.Combine(data, BackupManifest.SqliteFile)
            : Path.GetFullPath(new SqliteConnectionStringBuilder(cs).DataSource);
    }

    private async Task<string?> PostgresTablesAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(configuration.GetConnectionString("Bulwark"));
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1 LIMIT 6";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
        return tables.Count == 0 ? null : string.Join(", ", tables);
    }

    /// <summary>One transaction: a restore that fails halfway leaves the database as empty as it found it.</summary>
    private Task<Outcome> RestorePostgresAsync(string directory, CancellationToken ct) =>
        PostgresTools.RunAsync("pg_restore", configuration.GetConnectionString("Bulwark")!,
            ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", Path.Combine(directory, BackupManifest.PostgresFile)], ct);

    private async Task<Outcome> RestoreSqliteAsync(string directory, CancellationToken ct)
    {
        var source = Path.Combine(directory, BackupManifest.SqliteFile);
        var db = services.GetRequiredService<BulwarkDbContext>();
        var from = new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var reader = new SqliteConnection(from);
        await using var writer = new SqliteConnection(db.Database.GetConnectionString());
        await reader.OpenAsync(ct);
        await writer.OpenAsync(ct);
        reader.BackupDatabase(writer);
        return Outcome.Ok();
    }
}
