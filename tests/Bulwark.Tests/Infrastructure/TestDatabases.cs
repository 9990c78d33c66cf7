using Npgsql;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// PostgreSQL for tests. The README's test command starts a local server and sets
/// <c>BULWARK_TEST_POSTGRES</c> to an admin connection string; each fixture gets a database of its own.
/// A missing server is a failure, never a skip: a suite that silently skipped PostgreSQL would prove nothing.
/// </summary>
public static class TestDatabases
{
    public const string EnvironmentVariable = "BULWARK_TEST_POSTGRES";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable)
        ?? "Host=127.0.0.1;Port=5432;Username=bulwark;Password=bulwark;Database=postgres";

    public static async Task<string> CreatePostgresDatabaseAsync()
    {
        var name = "bulwark_test_" + Guid.NewGuid().ToString("N")[..16];
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        try
        {
            await conn.OpenAsync();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable with {EnvironmentVariable}='{AdminConnectionString}'. Run the tests through scripts/test.sh, which starts it.", e);
        }
        await using (var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn)) await cmd.ExecuteNonQueryAsync();
        // Pooled, as a deployment is: unpooled, a burst of parallel requests (the upload race tests) opened one new
        // server process per query and timed out connecting on a busy machine. The cap keeps the suite's parallel
        // fixtures under the server's max_connections (scripts/postgres-start.sh).
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 30, ConnectionIdleLifetime = 10 }.ConnectionString;
    }

    public static async Task DropPostgresDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        // The pool's idle connections would otherwise linger until pruned; FORCE below ends any that remain.
        await using (var pooled = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(pooled);
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        // A process of another role in the database (an autovacuum worker after a large restore) cannot be ended by
        // FORCE (42501) and one still leaving is "being accessed by other users" (55006): both pass within moments.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await cmd.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is "42501" or "55006" && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }
}
