using Npgsql;
using NpgsqlTypes;

namespace Bulwark.Bench.Critical;

/// <summary>
/// Loads the synthetic index into PostgreSQL with binary COPY. download_counts loses its primary key and
/// index during the load and gets them back afterwards (building an index once is far cheaper than
/// maintaining it row by row); then VACUUM ANALYZE, as autovacuum would eventually do on a live instance.
/// </summary>
public static class PostgresLoader
{
    public static async Task LoadProjectsAsync(NpgsqlConnection conn, int projects, DateTimeOffset createdAt)
    {
        await using (var writer = await conn.BeginBinaryImportAsync(
            "COPY projects (\"Id\", \"Name\", \"NormalizedName\", \"UltranormalizedName\", \"CreatedAt\", \"LastSerial\", \"Lifecycle\", \"TotalSize\", \"RequirePhishingResistant\") FROM STDIN (FORMAT BINARY)"))
        {
            for (long id = 1; id <= projects; id++)
            {
                var name = Program.ProjectName(id);
                await writer.StartRowAsync();
                await writer.WriteAsync(id, NpgsqlDbType.Bigint);
                await writer.WriteAsync(name, NpgsqlDbType.Varchar);
                await writer.WriteAsync(name, NpgsqlDbType.Varchar);
                await writer.WriteAsync(name.Replace("-", ""), NpgsqlDbType.Varchar);
                await writer.WriteAsync(createdAt, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(0L, NpgsqlDbType.Bigint);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
                await writer.WriteAsync(0L, NpgsqlDbType.Bigint);
                await writer.WriteAsync(false, NpgsqlDbType.Boolean);
            }
            await writer.CompleteAsync();
        }
        await Exec(conn, "SELECT setval(pg_get_serial_sequence('projects', 'Id'), (SELECT max(\"Id\") FROM projects))");
    }

    public static async Task<long> LoadCountsAsync(NpgsqlConnection conn, Func<IRowSink, long> generate)
    {
        await Exec(conn, "ALTER TABLE download_counts DROP CONSTRAINT \"PK_download_counts\"");
        await Exec(conn, "DROP INDEX \"IX_download_counts_ProjectId_Day_Count\"");
        long rows;
        await using (var writer = await conn.BeginBinaryImportAsync("COPY download_counts (\"FileId\", \"Day\", \"ProjectId\", \"Count\") FROM STDIN (FORMAT BINARY)"))
        {
            rows = generate(new Sink(writer));
            await writer.CompleteAsync();
        }
        await Exec(conn, "ALTER TABLE download_counts ADD CONSTRAINT \"PK_download_counts\" PRIMARY KEY (\"FileId\", \"Day\")");
        await Exec(conn, "CREATE INDEX \"IX_download_counts_ProjectId_Day_Count\" ON download_counts (\"ProjectId\", \"Day\", \"Count\")");
        return rows;
    }

    public static Task VacuumAnalyzeAsync(NpgsqlConnection conn) => Exec(conn, "VACUUM ANALYZE");

    public static async Task<string> SettingsAsync(NpgsqlConnection conn)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings " +
            "WHERE name IN ('shared_buffers', 'work_mem', 'hash_mem_multiplier', 'max_parallel_workers_per_gather', 'effective_cache_size')", conn);
        var settings = (string)(await cmd.ExecuteScalarAsync())!;
        await using var size = new NpgsqlCommand("SELECT pg_size_pretty(pg_total_relation_size('download_counts'))", conn);
        return $"{conn.PostgreSqlVersion}; {settings}; download_counts with indexes {await size.ExecuteScalarAsync()}";
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    private sealed class Sink(NpgsqlBinaryImporter writer) : IRowSink
    {
        // Synchronous writes: the importer buffers, and an async call per value would dominate the load.
        public void Add(long fileId, DateOnly day, long projectId, long count)
        {
            writer.StartRow();
            writer.Write(fileId, NpgsqlDbType.Bigint);
            writer.Write(day, NpgsqlDbType.Date);
            writer.Write(projectId, NpgsqlDbType.Bigint);
            writer.Write(count, NpgsqlDbType.Bigint);
        }
    }
}
