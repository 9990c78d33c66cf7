using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Bulwark.Bench.Critical;

/// <summary>
/// Loads the synthetic index into SQLite with one prepared INSERT in one transaction, in primary-key order;
/// the (ProjectId, Day, Count) index is dropped for the load and built once afterwards.
/// </summary>
public static class SqliteLoader
{
    public static void LoadProjects(SqliteConnection conn, int projects, DateTimeOffset createdAt)
    {
        Exec(conn, "PRAGMA synchronous = OFF");
        using var tx = conn.BeginTransaction();
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO projects (\"Id\", \"Name\", \"NormalizedName\", \"UltranormalizedName\", \"CreatedAt\", \"LastSerial\", \"Lifecycle\", \"TotalSize\", \"RequirePhishingResistant\") " +
                          "VALUES ($id, $name, $name, $ultra, $created, 0, 0, 0, 0)";
        var id = cmd.Parameters.Add("$id", SqliteType.Integer);
        var name = cmd.Parameters.Add("$name", SqliteType.Text);
        var ultra = cmd.Parameters.Add("$ultra", SqliteType.Text);
        cmd.Parameters.AddWithValue("$created", createdAt.UtcTicks); // the model stores UTC ticks on SQLite
        cmd.Prepare();
        for (long i = 1; i <= projects; i++)
        {
            var n = Program.ProjectName(i);
            id.Value = i;
            name.Value = n;
            ultra.Value = n.Replace("-", "");
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public static long LoadCounts(SqliteConnection conn, Func<IRowSink, long> generate)
    {
        Exec(conn, "DROP INDEX \"IX_download_counts_ProjectId_Day_Count\"");
        long rows;
        using (var tx = conn.BeginTransaction())
        using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO download_counts (\"FileId\", \"Day\", \"ProjectId\", \"Count\") VALUES ($f, $d, $p, $c)";
            var sink = new Sink(cmd);
            cmd.Prepare();
            rows = generate(sink);
            tx.Commit();
        }
        Exec(conn, "CREATE INDEX \"IX_download_counts_ProjectId_Day_Count\" ON download_counts (\"ProjectId\", \"Day\", \"Count\")");
        // No ANALYZE: the server never runs it, so the planner works here without statistics as it does there.
        // The load went through the WAL; a running server checkpoints it as it goes, so start from that state
        // rather than reading 2 GB of pages through the WAL index.
        Exec(conn, "PRAGMA wal_checkpoint(TRUNCATE)");
        Exec(conn, "PRAGMA synchronous = NORMAL");
        return rows;
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        cmd.ExecuteNonQuery();
    }

    private sealed class Sink : IRowSink
    {
        private readonly SqliteCommand _cmd;
        private readonly SqliteParameter _f, _d, _p, _c;

        public Sink(SqliteCommand cmd)
        {
            _cmd = cmd;
            _f = cmd.Parameters.Add("$f", SqliteType.Integer);
            _d = cmd.Parameters.Add("$d", SqliteType.Text);
            _p = cmd.Parameters.Add("$p", SqliteType.Integer);
            _c = cmd.Parameters.Add("$c", SqliteType.Integer);
        }

        public void Add(long fileId, DateOnly day, long projectId, long count)
        {
            _f.Value = fileId;
            // EF Core stores DateOnly as 'yyyy-MM-dd' text on SQLite; the recompute compares those strings.
            _d.Value = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            _p.Value = projectId;
            _c.Value = count;
            _cmd.ExecuteNonQuery();
        }
    }
}
