using System.Data.Common;
using System.Text;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Downloads;

/// <summary>
/// Adds batches of counts to <c>download_counts</c> with one upsert per chunk. SQLite (3.24+) and PostgreSQL
/// both accept <c>INSERT … ON CONFLICT … DO UPDATE</c> with <c>excluded</c>, so one statement serves both, and
/// several server instances can flush at once without a read-modify-write race.
/// </summary>
public sealed class DownloadCountWriter(BulwarkDbContext db)
{
    // 4 parameters per row; 250 rows stay far below SQLite's and PostgreSQL's parameter limits.
    private const int RowsPerStatement = 250;

    public async Task WriteAsync(IReadOnlyList<DownloadCount> batch, CancellationToken ct = default)
    {
        if (batch.Count == 0) return;
        using var timer = Observability.BulwarkMetrics.TimeJob("download_flush");
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            for (var start = 0; start < batch.Count; start += RowsPerStatement)
            {
                await using var command = BuildUpsert(connection, batch, start, Math.Min(RowsPerStatement, batch.Count - start));
                command.Transaction = tx;
                await command.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    private static DbCommand BuildUpsert(DbConnection connection, IReadOnlyList<DownloadCount> batch, int start, int count)
    {
        var command = connection.CreateCommand();
        var sql = new StringBuilder("INSERT INTO download_counts (\"FileId\", \"Day\", \"ProjectId\", \"Count\") VALUES ");
        for (var i = 0; i < count; i++)
        {
            var row = batch[start + i];
            if (i > 0) sql.Append(", ");
            sql.Append($"(@f{i}, @d{i}, @p{i}, @c{i})");
            Add(command, $"@f{i}", row.FileId);
            Add(command, $"@d{i}", row.Day);
            Add(command, $"@p{i}", row.ProjectId);
            Add(command, $"@c{i}", row.Count);
        }
        sql.Append(" ON CONFLICT (\"FileId\", \"Day\") DO UPDATE SET \"Count\" = download_counts.\"Count\" + excluded.\"Count\"");
        command.CommandText = sql.ToString();
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
