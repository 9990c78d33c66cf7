using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Storage;
using Bulwark.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bulwark.Operations;

/// <summary>
/// <c>restore DIR</c>: puts a backup written by <see cref="BackupWriter"/> into an empty data directory and an empty
/// database, then reads every blob back from the store and checks it against the manifest's sha256 before it
/// reports success. Services are resolved only after the emptiness checks: resolving the blob store or the
/// database would itself create files in the data directory.
/// </summary>
public sealed class BackupRestorer(IServiceProvider services, IOptions<BulwarkOptions> options, IConfiguration configuration)
{
    public async Task<Outcome<BackupManifest>> RunAsync(string directory, CancellationToken ct = default)
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

        // Only empty targets: restoring over live data would mix two indexes' rows and blobs with no way to tell them apart.
        var data = DataServices.DataDirectory(options.Value);
        if (BackupFiles.Contents(data) is { } present)
            return Refusal.Conflict($"The data directory {data} is not empty (it holds {present}); restore only into an empty one.");
        if (kind == DatabaseKind.Postgres)
        {
            if (PostgresTools.Find("pg_restore") is null) return PostgresTools.Missing("pg_restore");
            if (await PostgresTablesAsync(ct) is { } tables)
                return Refusal.Conflict($"The database of ConnectionStrings:Bulwark is not empty (it holds the tables {tables}); restore only into an empty database.");
        }
        var files = Path.Combine(directory, BackupManifest.FilesDirectory);
        if (manifest.BlobsCopied && !Directory.Exists(files))
            return Refusal.Invalid($"The manifest says the files were copied, but {files} does not exist.");

        Directory.CreateDirectory(data);
        var restored = kind == DatabaseKind.Postgres ? await RestorePostgresAsync(directory, ct) : await RestoreSqliteAsync(directory, ct);
        if (restored.Refusal is { } refusal) return refusal;
        BackupFiles.CopyTree(Path.Combine(directory, BackupManifest.KeysDirectory), Path.Combine(data, BackupManifest.KeysDirectory));

        var blobs = services.GetRequiredService<IBlobStore>();
        var problems = new List<string>();
        if (manifest.BlobsCopied) problems.AddRange(await PutBlobsAsync(blobs, files, manifest, ct));
        problems.AddRange(await VerifyAsync(blobs, manifest, ct));
        problems.AddRange(manifest.MissingBlobs.Select(p => $"{p}: was already gone from the store when the backup was taken"));
        // A backup of an older version gets this version's migrations, as a server start would apply them.
        await DataServices.InitializeDatabaseAsync(services, ct);
        if (problems.Count > 0)
            return Refusal.Conflict($"The database is restored, but {problems.Count} blob(s) are not as the backup recorded them:\n  " + string.Join("\n  ", problems));
        return manifest;
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
        if (!File.Exists(source)) return Refusal.Invalid($"{source} is missing from the backup.");
        var db = services.GetRequiredService<BulwarkDbContext>();
        var from = new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var reader = new SqliteConnection(from);
        await using var writer = new SqliteConnection(db.Database.GetConnectionString());
        await reader.OpenAsync(ct);
        await writer.OpenAsync(ct);
        reader.BackupDatabase(writer);
        return Outcome.Ok();
    }

    private static async Task<List<string>> PutBlobsAsync(IBlobStore blobs, string files, BackupManifest manifest, CancellationToken ct)
    {
        var problems = new List<string>();
        Directory.CreateDirectory(blobs.TempDirectory);
        foreach (var blob in manifest.Blobs)
        {
            var source = BackupFiles.Under(files, blob.Path);
            if (source is null || !File.Exists(source))
            {
                problems.Add($"{blob.Path}: not in the backup's files");
                continue;
            }
            // The store consumes (moves) the file it is given: it gets a copy, never the backup's own file.
            var temp = Path.Combine(blobs.TempDirectory, "restore-" + Guid.NewGuid().ToString("N"));
            try
            {
                File.Copy(source, temp);
                if (await blobs.PutFileAsync(blob.Path, temp, ct) == BlobPutResult.Conflict)
                    problems.Add($"{blob.Path}: the store already holds different bytes at this path");
            }
            finally
            {
                File.Delete(temp);
            }
        }
        return problems;
    }

    /// <summary>Reads every blob back from the store: success is declared on the bytes the index will serve.</summary>
    private static async Task<List<string>> VerifyAsync(IBlobStore blobs, BackupManifest manifest, CancellationToken ct)
    {
        var problems = new List<string>();
        foreach (var blob in manifest.Blobs)
        {
            await using var stream = await blobs.OpenReadAsync(blob.Path, ct);
            if (stream is null)
            {
                problems.Add($"{blob.Path}: not in the store");
                continue;
            }
            var (sha256, size) = await BackupFiles.CopyHashingAsync(stream, Stream.Null, ct);
            if (sha256 != blob.Sha256 || size != blob.Size)
                problems.Add($"{blob.Path}: the store holds {size:N0} bytes hashing to sha256 {sha256}, the backup recorded {blob.Size:N0} bytes, {blob.Sha256}");
        }
        return problems;
    }
}
