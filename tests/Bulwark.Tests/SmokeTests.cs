using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests;

public abstract class SmokeTests<TServer>(TServer server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Server_starts_and_migrates_the_database()
    {
        var client = server.CreateClient();
        var response = await client.GetAsync("/_health");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var token = await server.CreateTokenAsync("smoke-user");
        Assert.StartsWith("bulwark_", token);
        var users = await server.WithDbAsync(db => Task.FromResult(db.Users.Count(u => u.Username == "smoke-user")));
        Assert.Equal(1, users);
    }

    [Theory]
    [InlineData("/css/site.css", "text/css")]
    [InlineData("/js/webauthn.js", "text/javascript")]
    public async Task Web_assets_are_served(string path, string mediaType)
    {
        var response = await server.CreateClient().GetAsync(path);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }
}

public sealed class SmokeTestsSqlite(SqliteServer server) : SmokeTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class SmokeTestsPostgres(PostgresServer server) : SmokeTests<PostgresServer>(server), IClassFixture<PostgresServer>;
