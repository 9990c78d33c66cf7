using System.Net;
using System.Text.Json;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Operations;

/// <summary><c>/healthz</c> and <c>/readyz</c> on a working server, on both databases and on object storage.</summary>
public abstract class HealthEndpointTests<TServer>(TServer server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Healthz_says_the_process_is_up_without_asking_any_dependency()
    {
        var (status, body) = await HealthProbe.GetAsync(server, "/healthz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task Readyz_checks_the_database_and_the_storage()
    {
        var (status, body) = await HealthProbe.GetAsync(server, "/readyz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
    }
}

public sealed class HealthEndpointTestsSqlite(SqliteServer s) : HealthEndpointTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class HealthEndpointTestsPostgres(PostgresServer s) : HealthEndpointTests<PostgresServer>(s), IClassFixture<PostgresServer>;

public sealed class HealthEndpointTestsS3(S3SqliteServer s) : HealthEndpointTests<S3SqliteServer>(s), IClassFixture<S3SqliteServer>;

/// <summary>An object store nobody answers at (a closed loopback port).</summary>
public sealed class UnreachableStorageServer() : BulwarkServer(DatabaseKind.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Bulwark:Storage:Kind", "S3"),
        new("Bulwark:Storage:S3:ServiceUrl", $"http://127.0.0.1:{ClosedPort.Value}"),
        new("Bulwark:Storage:S3:Bucket", "missing"),
        new("Bulwark:Storage:S3:ForcePathStyle", "true"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton(S3TestServer.Credentials));
    }

    /// <summary>A port that was free a moment ago: bound, then released.</summary>
    private static readonly Lazy<int> ClosedPort = new(() =>
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    });
}

public sealed class UnreadyTests(UnreachableStorageServer server) : IClassFixture<UnreachableStorageServer>
{
    [Fact]
    public async Task Readyz_is_503_and_names_the_storage_when_the_object_store_is_unreachable_while_healthz_stays_200()
    {
        var (status, body) = await HealthProbe.GetAsync(server, "/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var storage = body.GetProperty("checks").GetProperty("storage");
        Assert.Equal("Unhealthy", storage.GetProperty("status").GetString());
        Assert.Equal("the blob store is not reachable", storage.GetProperty("description").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(server, "/healthz")).Status);
    }

    [Fact]
    public async Task Readyz_is_503_and_names_the_database_while_a_migration_is_not_applied()
    {
        var last = await server.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).Last());
        await server.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", last));
        try
        {
            var (status, body) = await HealthProbe.GetAsync(server, "/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var database = body.GetProperty("checks").GetProperty("database");
            Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
            Assert.Equal("1 database migration is not applied yet", database.GetProperty("description").GetString());
        }
        finally
        {
            await server.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({0}, {1})", last, "10.0.0"));
        }
    }
}

internal static class HealthProbe
{
    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(BulwarkServer server, string path)
    {
        using var response = await server.CreateClient().GetAsync(path);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }
}
