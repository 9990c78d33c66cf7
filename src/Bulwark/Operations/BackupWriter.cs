using System.Data;
using System.Reflection;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Storage;
using Bulwark.Data.Sqlite;
using Bulwark.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Bulwark.Operations;

/// <summary>What a backup wrote, and the blobs it could not take as the database records them.</summary>
public sealed record BackupReport(BackupManifest Manifest, long Bytes, IReadOnlyList<string> Damaged);

/// <summary>
/// <c>backup DIR</c>: a consistent snapshot of a running index. The database is snapshotted first (SQLite's online
/// backup; <c>pg_dump</c> of an exported snapshot on PostgreSQL), then exactly the blobs that snapshot's file rows
/// reference are copied (or, on object storage, listed with their digests). Blobs written after the snapshot belong
/// to rows the snapshot does not hold and are not needed; blobs deleted meanwhile are named in the report and the
/// manifest, never skipped silently.
/// </summary>
public sealed class BackupWriter(BulwarkDbContext db, IBlobStore blobs, IOptions<BulwarkOptions> options, IConfiguration configuration, TimeProvider time)
{
    private sealed record Snapshot(BackupCounts Counts, List<(string Path, string Sha256)> Blobs);

    public async Task<Outcome<BackupReport>> RunAsync(string directory, CancellationToken ct = default)
    {
        directory = Path.GetFullPath(directory);
        if (File.Exists(directory)) return Refusal.Conflict($"{directory} is a file; a backup goes into a new or empty directory.");
        // An empty target means nothing in it is older than the snapshot or belongs to another backup.
        if (BackupFiles.Contents(directory) is { } present)
            return Refusal.Conflict($"{directory} is not empty (it holds {present}); a backup goes into a new or empty directory.");
        Directory.CreateDirectory(directory);

        var taken = db.IsSqlite ? await SnapshotSqliteAsync(directory, ct) : await SnapshotPostgresAsync(directory, ct);
        if (!taken.TryGetValue(out var snapshot, out var refusal)) return refusal;

        var keysCopied = BackupFiles.CopyTree(Path.Combine(DataServices.DataDirectory(options.Value), BackupManifest.KeysDirectory),
            Path.Combine(directory, BackupManifest.KeysDirectory));
        var copy = configuration.GetValue(StorageServices.KindKey, StorageKind.FileSystem) == StorageKind.FileSystem;
        var files = Path.Combine(directory, BackupManifest.FilesDirectory);
        var listed = new List<BackupBlob>();
        var missing = new List<string>();
        var damaged = new List<string>();
        long bytes = 0;
        foreach (var (path, recorded) in snapshot.Blobs)
        {
            await using var stream = await blobs.OpenReadAsync(path, ct);
            if (stream is null)
            {
                missing.Add(path);
                continue;
            }
            (string Sha256, long Size) copied;
            if (copy)
            {
                var target = BackupFiles.Under(files, path);
                if (target is null)
                {
                    damaged.Add($"{path}: the path leads outside the backup directory; not copied");
                    continue;
                }
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
                copied = await BackupFiles.CopyHashingAsync(stream, file, ct);
            }
            else
            {
                copied = await BackupFiles.CopyHashingAsync(stream, Stream.Null, ct);
            }
            if (copied.Sha256 != recorded) damaged.Add($"{path}: the bytes hash to sha256 {copied.Sha256}, the database records {recorded}");
            listed.Add(new BackupBlob(path, copied.Size, copied.Sha256));
            bytes += copied.Size;
        }

        var manifest = new BackupManifest(BackupManifest.CurrentFormat, Version, db.IsSqlite ? nameof(DatabaseKind.Sqlite) : nameof(DatabaseKind.Postgres),
            copy ? nameof(StorageKind.FileSystem) : nameof(StorageKind.S3), time.GetUtcNow().ToUniversalTime(),
            snapshot.Counts with { Blobs = listed.Count }, listed, missing, copy, keysCopied, copy ? null : BackupBucket.From(configuration));
        await manifest.WriteAsync(directory, ct);
        return new BackupReport(manifest, bytes, damaged);
    }

    /// <summary>The running Bulwark's version, recorded so that a restore knows what wrote the backup.</summary>
    public static string Version =>
        typeof(BackupWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// SQLite's online backup API copies the database page by page under a read transaction: the copy is one
    /// consistent state, taken while the server goes on serving (WAL lets writers continue meanwhile).
    /// </summary>
    private async Task<Outcome<Snapshot>> SnapshotSqliteAsync(string directory, CancellationToken ct)
    {
        var target = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, BackupManifest.SqliteFile), Pooling = false }.ToString();
        // A private cache: in the shared cache of the server's own connections (one process, as in an embedded
        // command), the copy would need table locks that any write in progress holds; with WAL a private reader
        // never waits for writers.
        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { Cache = SqliteCacheMode.Private }.ToString();
        await using (var from = new SqliteConnection(source))
        await using (var to = new SqliteConnection(target))
        {
            await from.OpenAsync(ct);
            await to.OpenAsync(ct);
            await CopyWithRetriesAsync(from, to, ct);
            // One self-contained file: the copy carries the source's WAL mode, which would keep a -wal file beside it.
            await using var mode = to.CreateCommand();
            mode.CommandText = "PRAGMA journal_mode=DELETE;";
            await mode.ExecuteNonQueryAsync(ct);
        }
        var snapshotOptions = new DbContextOptionsBuilder<BulwarkDbContext>();
        SqliteDatabase.Configure(snapshotOptions, target);
        await using var copy = new BulwarkDbContext(snapshotOptions.Options);
        return await ReadAsync(copy, ct);
    }

    /// <summary>
    /// The backup API answers SQLITE_BUSY / SQLITE_LOCKED when the running server holds a lock at the instant the copy
    /// starts or steps (a write being committed, a WAL checkpoint); that is a moment to wait out, not a failure, so the
    /// whole copy is started again (each attempt rewrites the destination from the first page), for up to about a
    /// minute before the error is reported.
    /// </summary>
    private static async Task CopyWithRetriesAsync(SqliteConnection from, SqliteConnection to, CancellationToken ct)
    {
        const int attempts = 300;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                from.BackupDatabase(to);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 && attempt < attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }

    /// <summary>
    /// A repeatable-read transaction exports its snapshot; <c>pg_dump --snapshot</c> dumps exactly that state, and the
    /// file rows are read inside the same transaction, so the blobs copied are exactly those the dump references.
    /// </summary>
    private async Task<Outcome<Snapshot>> SnapshotPostgresAsync(string directory, CancellationToken ct)
    {
        if (PostgresTools.Find("pg_dump") is null) return PostgresTools.Missing("pg_dump");
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        string snapshotId;
        await using (var command = db.Database.GetDbConnection().CreateCommand())
        {
            command.Transaction = tx.GetDbTransaction();
            command.CommandText = "SELECT pg_export_snapshot()";
            snapshotId = (string)(await command.ExecuteScalarAsync(ct))!;
        }
        // The configured string, not the open connection's: Npgsql drops the password from the latter once open.
        var connectionString = configuration.GetConnectionString("Bulwark")!;
        var dump = await PostgresTools.RunAsync("pg_dump", connectionString,
            ["--format=custom", "--no-owner", "--snapshot=" + snapshotId, "--file=" + Path.Combine(directory, BackupManifest.PostgresFile)], ct);
        if (dump.Refusal is { } refusal) return refusal;
        var snapshot = await ReadAsync(db, ct);
        await tx.RollbackAsync(ct);
        return snapshot;
    }

    private static async Task<Outcome<Snapshot>> ReadAsync(BulwarkDbContext from, CancellationToken ct)
    {
        var rows = await from.Files.AsNoTracking()
            .Select(f => new { f.BlobPath, f.Sha256Digest, f.MetadataSha256Digest }).ToListAsync(ct);
        var wanted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            wanted[row.BlobPath] = row.Sha256Digest;
            if (row.MetadataSha256Digest is { } metadata) wanted[row.BlobPath + ".metadata"] = metadata;
        }
        var counts = new BackupCounts(
            await from.Users.CountAsync(ct), await from.ApiTokens.CountAsync(ct), await from.Projects.CountAsync(ct),
            await from.Releases.CountAsync(ct), rows.Count, await from.AuditEvents.CountAsync(ct), wanted.Count);
        return new Snapshot(counts, wanted.Select(w => (w.Key, w.Value)).ToList());
    }
}
