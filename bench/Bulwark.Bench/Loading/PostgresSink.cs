using Bulwark.Bench.Corpus;
using Npgsql;
using NpgsqlTypes;

namespace Bulwark.Bench.Loading;

/// <summary>
/// Loads with PostgreSQL's binary COPY, one connection and one COPY per table running side by side.
/// Secondary indexes and foreign keys of the loaded tables are dropped first and rebuilt at the end: building
/// an index once over 7 million rows is many times faster than maintaining it per row, and the concurrent
/// COPYs could not see each other's rows for foreign-key checks anyway. Definitions are read back from the
/// catalog, so whatever the migrations created is restored as it was.
/// </summary>
public sealed class PostgresSink(string connectionString) : IRowSink
{
    private static readonly string[] Tables = ["projects", "releases", "files", "journal", "filename_registry", "project_roles"];
    private readonly List<(NpgsqlConnection Connection, NpgsqlBinaryImporter Importer)> _copies = [];
    private readonly List<string> _restore = [];
    private NpgsqlBinaryImporter _projects = null!, _releases = null!, _files = null!, _journal = null!, _filenames = null!, _roles = null!;

    public async Task BeginAsync(CancellationToken ct)
    {
        await using (var admin = await OpenAsync(ct))
        {
            foreach (var table in Tables)
            {
                // Foreign keys first (they may depend on unique indexes), restored last.
                foreach (var (name, definition) in await ReadPairsAsync(admin,
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = @t::regclass AND contype = 'f'", table, ct))
                {
                    _restore.Add($"ALTER TABLE \"{table}\" ADD CONSTRAINT \"{name}\" {definition}");
                    await ExecAsync(admin, $"ALTER TABLE \"{table}\" DROP CONSTRAINT \"{name}\"", ct);
                }
            }
            foreach (var table in Tables)
            {
                foreach (var (name, definition) in await ReadPairsAsync(admin,
                    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = @t::regclass " +
                    "AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", table, ct))
                {
                    _restore.Insert(0, definition);
                    await ExecAsync(admin, $"DROP INDEX {name}", ct);
                }
            }
        }

        _projects = await CopyAsync("projects", "\"Id\", \"Name\", \"NormalizedName\", \"UltranormalizedName\", \"CreatedAt\", \"LastSerial\", \"Lifecycle\", \"TotalSize\", \"CriticalSince\", \"RequirePhishingResistant\"", ct);
        _releases = await CopyAsync("releases", "\"Id\", \"ProjectId\", \"Version\", \"CanonicalVersion\", \"IsPrerelease\", \"CreatedAt\", \"Yanked\", \"YankedReason\", \"Lifecycle\", \"MetadataVersion\", \"Summary\", \"Description\", \"DescriptionContentType\", \"RequiresPython\", \"Classifiers\", \"RequiresDist\", \"ProvidesExtra\", \"ProjectUrls\", \"RequiresExternal\", \"Dynamic\", \"UploaderId\"", ct);
        _files = await CopyAsync("files", "\"Id\", \"ReleaseId\", \"ProjectId\", \"Filename\", \"PackageType\", \"PythonVersion\", \"RequiresPython\", \"Size\", \"Md5Digest\", \"Sha256Digest\", \"Blake2b256Digest\", \"BlobPath\", \"MetadataSha256Digest\", \"MetadataBlake2b256Digest\", \"UploadedAt\", \"UploaderId\"", ct);
        _journal = await CopyAsync("journal", "\"Id\", \"ProjectName\", \"Version\", \"Filename\", \"Action\", \"CreatedAt\", \"UserId\"", ct);
        _filenames = await CopyAsync("filename_registry", "\"Filename\", \"RegisteredAt\"", ct);
        _roles = await CopyAsync("project_roles", "\"ProjectId\", \"UserId\", \"Role\", \"CreatedAt\"", ct);
    }

    public void Project(long id, ProjectRows p, long lastSerial)
    {
        var w = _projects;
        w.StartRow();
        w.Write(id, NpgsqlDbType.Bigint);
        w.Write(p.Project.Name, NpgsqlDbType.Varchar);
        w.Write(p.Project.NormalizedName, NpgsqlDbType.Varchar);
        w.Write(RowValues.Ultranormalized(p.Project), NpgsqlDbType.Varchar);
        w.Write(p.CreatedAt, NpgsqlDbType.TimestampTz);
        w.Write(lastSerial, NpgsqlDbType.Bigint);
        w.Write(0, NpgsqlDbType.Integer);
        w.Write(p.TotalSize, NpgsqlDbType.Bigint);
        if (p.Critical) w.Write(p.CreatedAt, NpgsqlDbType.TimestampTz); else w.WriteNull();
        w.Write(false, NpgsqlDbType.Boolean);
    }

    public void Release(long id, long projectId, ReleaseRow r, long? uploaderId)
    {
        var w = _releases;
        w.StartRow();
        w.Write(id, NpgsqlDbType.Bigint);
        w.Write(projectId, NpgsqlDbType.Bigint);
        w.Write(r.Version, NpgsqlDbType.Varchar);
        w.Write(r.CanonicalVersion, NpgsqlDbType.Varchar);
        w.Write(r.IsPrerelease, NpgsqlDbType.Boolean);
        w.Write(r.CreatedAt, NpgsqlDbType.TimestampTz);
        w.Write(r.Yanked, NpgsqlDbType.Boolean);
        WriteNullable(w, r.YankedReason, NpgsqlDbType.Text);
        w.Write(0, NpgsqlDbType.Integer);
        w.Write(RowValues.MetadataVersion, NpgsqlDbType.Text);
        w.Write(r.Summary, NpgsqlDbType.Varchar);
        w.Write(RowValues.Description(r), NpgsqlDbType.Text);
        w.Write(RowValues.DescriptionContentType, NpgsqlDbType.Text);
        WriteNullable(w, r.RequiresPython, NpgsqlDbType.Text);
        for (var i = 0; i < 6; i++) w.Write(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        WriteNullable(w, uploaderId, NpgsqlDbType.Bigint);
    }

    public void File(long id, long releaseId, long projectId, FileRow f, long? uploaderId)
    {
        var w = _files;
        w.StartRow();
        w.Write(id, NpgsqlDbType.Bigint);
        w.Write(releaseId, NpgsqlDbType.Bigint);
        w.Write(projectId, NpgsqlDbType.Bigint);
        w.Write(f.Filename, NpgsqlDbType.Varchar);
        w.Write((int)f.Type, NpgsqlDbType.Integer);
        w.Write(f.PythonVersion, NpgsqlDbType.Text);
        WriteNullable(w, f.RequiresPython, NpgsqlDbType.Text);
        w.Write(f.Size, NpgsqlDbType.Bigint);
        w.Write(f.Digests.Md5, NpgsqlDbType.Varchar);
        w.Write(f.Digests.Sha256, NpgsqlDbType.Varchar);
        w.Write(f.Digests.Blake2b256, NpgsqlDbType.Varchar);
        w.Write(f.BlobPath, NpgsqlDbType.Text);
        WriteNullable(w, f.MetadataDigests?.Sha256, NpgsqlDbType.Text);
        WriteNullable(w, f.MetadataDigests?.Blake2b256, NpgsqlDbType.Text);
        w.Write(f.UploadedAt, NpgsqlDbType.TimestampTz);
        WriteNullable(w, uploaderId, NpgsqlDbType.Bigint);
    }

    public void Journal(long id, string projectName, string? version, string? filename, string action, DateTimeOffset at, long? userId)
    {
        var w = _journal;
        w.StartRow();
        w.Write(id, NpgsqlDbType.Bigint);
        w.Write(projectName, NpgsqlDbType.Text);
        WriteNullable(w, version, NpgsqlDbType.Text);
        WriteNullable(w, filename, NpgsqlDbType.Text);
        w.Write(action, NpgsqlDbType.Text);
        w.Write(at, NpgsqlDbType.TimestampTz);
        WriteNullable(w, userId, NpgsqlDbType.Bigint);
    }

    public void Role(long projectId, long userId, DateTimeOffset at)
    {
        _roles.StartRow();
        _roles.Write(projectId, NpgsqlDbType.Bigint);
        _roles.Write(userId, NpgsqlDbType.Bigint);
        _roles.Write(0, NpgsqlDbType.Integer);
        _roles.Write(at, NpgsqlDbType.TimestampTz);
    }

    public void RegisterFilename(string filename, DateTimeOffset at)
    {
        _filenames.StartRow();
        _filenames.Write(filename, NpgsqlDbType.Varchar);
        _filenames.Write(at, NpgsqlDbType.TimestampTz);
    }

    public async Task CompleteAsync(IProgress<string> progress, CancellationToken ct)
    {
        foreach (var (connection, importer) in _copies)
        {
            await importer.CompleteAsync(ct);
            await importer.DisposeAsync();
            await connection.DisposeAsync();
        }
        _copies.Clear();
        progress.Report($"rows copied; rebuilding {_restore.Count} indexes and constraints");

        // Two index builds at a time: one per core.
        var queue = new Queue<string>(_restore.Where(s => !s.StartsWith("ALTER", StringComparison.Ordinal)));
        var workers = Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var c = await OpenAsync(ct);
            await ExecAsync(c, "SET maintenance_work_mem = '1GB'", ct);
            while (true)
            {
                string? sql;
                lock (queue) sql = queue.Count > 0 ? queue.Dequeue() : null;
                if (sql is null) break;
                var started = DateTime.UtcNow;
                await ExecAsync(c, sql, ct);
                progress.Report($"  {(DateTime.UtcNow - started).TotalSeconds,6:F1}s  {sql}");
            }
        });
        await Task.WhenAll(workers);

        await using var admin = await OpenAsync(ct);
        foreach (var sql in _restore.Where(s => s.StartsWith("ALTER", StringComparison.Ordinal))) await ExecAsync(admin, sql, ct);
        foreach (var table in new[] { "projects", "releases", "files", "journal" })
        {
            await ExecAsync(admin, $"SELECT setval(pg_get_serial_sequence('{table}', 'Id'), GREATEST((SELECT MAX(\"Id\") FROM \"{table}\"), 1))", ct);
        }
        await ExecAsync(admin, "ANALYZE", ct);
    }

    private async Task<NpgsqlBinaryImporter> CopyAsync(string table, string columns, CancellationToken ct)
    {
        var connection = await OpenAsync(ct);
        var importer = await connection.BeginBinaryImportAsync($"COPY \"{table}\" ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        _copies.Add((connection, importer));
        return importer;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync(ct);
        await ExecAsync(connection, "SET synchronous_commit = off", ct);
        return connection;
    }

    private static async Task ExecAsync(NpgsqlConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<(string, string)>> ReadPairsAsync(NpgsqlConnection c, string sql, string table, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        cmd.Parameters.AddWithValue("t", $"\"{table}\"");
        var list = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add((reader.GetString(0), reader.GetString(1)));
        return list;
    }

    private static void WriteNullable(NpgsqlBinaryImporter w, string? value, NpgsqlDbType type)
    {
        if (value is null) w.WriteNull(); else w.Write(value, type);
    }

    private static void WriteNullable(NpgsqlBinaryImporter w, long? value, NpgsqlDbType type)
    {
        if (value is null) w.WriteNull(); else w.Write(value.Value, type);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (connection, importer) in _copies)
        {
            await importer.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
