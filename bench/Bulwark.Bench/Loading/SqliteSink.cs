using Bulwark.Bench.Corpus;
using Microsoft.Data.Sqlite;

namespace Bulwark.Bench.Loading;

/// <summary>
/// Loads SQLite with prepared INSERTs in large transactions (SQLite's fast path: one fsync per batch, not per
/// row). Values follow the EF model's SQLite mapping: times as UTC ticks, string lists as JSON text.
/// </summary>
public sealed class SqliteSink(string connectionString) : IRowSink
{
    private const int BatchRows = 50_000;
    private SqliteConnection _connection = null!;
    private SqliteTransaction? _tx;
    private int _pending;
    private SqliteCommand _project = null!, _release = null!, _file = null!, _journal = null!, _role = null!, _filename = null!;

    public async Task BeginAsync(CancellationToken ct)
    {
        _connection = new SqliteConnection(connectionString);
        await _connection.OpenAsync(ct);
        using (var pragma = _connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        _project = Prepare("projects", "Id", "Name", "NormalizedName", "UltranormalizedName", "CreatedAt", "LastSerial", "Lifecycle", "TotalSize", "CriticalSince", "RequirePhishingResistant");
        _release = Prepare("releases", "Id", "ProjectId", "Version", "CanonicalVersion", "IsPrerelease", "CreatedAt", "Yanked", "YankedReason", "Lifecycle", "MetadataVersion",
            "Summary", "Description", "DescriptionContentType", "RequiresPython", "Classifiers", "RequiresDist", "ProvidesExtra", "ProjectUrls", "RequiresExternal", "Dynamic", "UploaderId");
        _file = Prepare("files", "Id", "ReleaseId", "ProjectId", "Filename", "PackageType", "PythonVersion", "RequiresPython", "Size", "Md5Digest", "Sha256Digest",
            "Blake2b256Digest", "BlobPath", "MetadataSha256Digest", "MetadataBlake2b256Digest", "UploadedAt", "UploaderId");
        _journal = Prepare("journal", "Id", "ProjectName", "Version", "Filename", "Action", "CreatedAt", "UserId");
        _role = Prepare("project_roles", "ProjectId", "UserId", "Role", "CreatedAt");
        _filename = Prepare("filename_registry", "Filename", "RegisteredAt");
    }

    public void Project(long id, ProjectRows p, long lastSerial) => Run(_project, id, p.Project.Name, p.Project.NormalizedName,
        RowValues.Ultranormalized(p.Project), p.CreatedAt.UtcTicks, lastSerial, 0, p.TotalSize, p.Critical ? p.CreatedAt.UtcTicks : null, 0);

    public void Release(long id, long projectId, ReleaseRow r, long? uploaderId) => Run(_release, id, projectId, r.Version, r.CanonicalVersion,
        r.IsPrerelease ? 1 : 0, r.CreatedAt.UtcTicks, r.Yanked ? 1 : 0, r.YankedReason, 0, RowValues.MetadataVersion, r.Summary, RowValues.Description(r),
        RowValues.DescriptionContentType, r.RequiresPython, "[]", "[]", "[]", "[]", "[]", "[]", uploaderId);

    public void File(long id, long releaseId, long projectId, FileRow f, long? uploaderId) => Run(_file, id, releaseId, projectId, f.Filename, (int)f.Type,
        f.PythonVersion, f.RequiresPython, f.Size, f.Digests.Md5, f.Digests.Sha256, f.Digests.Blake2b256, f.BlobPath, f.MetadataDigests?.Sha256,
        f.MetadataDigests?.Blake2b256, f.UploadedAt.UtcTicks, uploaderId);

    public void Journal(long id, string projectName, string? version, string? filename, string action, DateTimeOffset at, long? userId) =>
        Run(_journal, id, projectName, version, filename, action, at.UtcTicks, userId);

    public void Role(long projectId, long userId, DateTimeOffset at) => Run(_role, projectId, userId, 0, at.UtcTicks);

    public void RegisterFilename(string filename, DateTimeOffset at) => Run(_filename, filename, at.UtcTicks);

    public Task CompleteAsync(IProgress<string> progress, CancellationToken ct)
    {
        _tx?.Commit();
        _tx = null;
        using var analyze = _connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        analyze.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    private SqliteCommand Prepare(string table, params string[] columns)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
        for (var i = 0; i < columns.Length; i++) cmd.Parameters.Add(new SqliteParameter($"@p{i}", null));
        return cmd;
    }

    private void Run(SqliteCommand cmd, params object?[] values)
    {
        if (_tx is null)
        {
            _tx = _connection.BeginTransaction();
            foreach (var c in new[] { _project, _release, _file, _journal, _role, _filename }) c.Transaction = _tx;
        }
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        cmd.ExecuteNonQuery();
        if (++_pending >= BatchRows)
        {
            _tx.Commit();
            _tx = null;
            _pending = 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _tx?.Dispose();
        await _connection.DisposeAsync();
    }
}
