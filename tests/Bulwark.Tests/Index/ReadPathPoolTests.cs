using System.Net;
using Bulwark.Endpoints;
using Bulwark.Tests.Infrastructure;
using Npgsql;

namespace Bulwark.Tests.Index;

/// <summary>The read path's own PostgreSQL pool: no per-rental reset, capped, and really the one cache misses use.</summary>
public sealed class ReadPathPoolTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public void The_read_pool_skips_the_reset_and_is_capped_below_the_configured_pool()
    {
        var read = new NpgsqlConnectionStringBuilder(EndpointRegistration.ReadPathPostgres(
            "Host=db.example;Database=index;Username=bulwark;Password=secret;Maximum Pool Size=100;Timeout=7"));

        Assert.True(read.NoResetOnClose);
        Assert.Equal("bulwark-read", read.ApplicationName);
        Assert.Equal(Math.Max(8, 4 * Environment.ProcessorCount), read.MaxPoolSize);
        // Everything else is the operator's.
        Assert.Equal(("db.example", "index", "bulwark", "secret", 7), (read.Host, read.Database, read.Username, read.Password, read.Timeout));

        var small = new NpgsqlConnectionStringBuilder(EndpointRegistration.ReadPathPostgres("Host=h;Maximum Pool Size=3;Minimum Pool Size=5"));
        Assert.Equal(3, small.MaxPoolSize);
        Assert.Equal(3, small.MinPoolSize);
    }

    [Fact]
    public async Task A_cache_miss_is_read_through_the_read_pool()
    {
        await server.SeedAsync(new ReleaseSeed("Read_Pool_Probe", "1.0"));
        var client = server.CreateRawClient();

        var response = await client.GetWithAcceptAsync("/simple/read-pool-probe/", HttpTestExtensions.PipAccept);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The pooled connection stays open after the request: the server lists it under the read pool's name.
        await using var admin = new NpgsqlConnection(server.PostgresConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'bulwark-read'", admin);
        Assert.True((long)(await command.ExecuteScalarAsync())! >= 1);
    }
}
