using System.Net;
using System.Security.Cryptography;
using Bulwark.Core.Data;
using Bulwark.Core.Upstreams;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Upstreams;

/// <summary>An upstream configured <c>Offline</c> (at an address where nothing listens): only what is held is served.</summary>
public abstract class OfflineUpstreamServer(DatabaseKind database) : BulwarkServer(database)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Bulwark:Upstreams:0:Url", "http://127.0.0.1:9/simple/"),
        new("Bulwark:Upstreams:0:Offline", "true"),
    ];
}

public sealed class SqliteOfflineUpstreamServer() : OfflineUpstreamServer(DatabaseKind.Sqlite);

public sealed class PostgresOfflineUpstreamServer() : OfflineUpstreamServer(DatabaseKind.Postgres);

public abstract class OfflineUpstreamTests<TServer>(TServer server) where TServer : OfflineUpstreamServer
{
    [Fact]
    public async Task Offline_serves_held_pages_and_stored_files_and_never_asks_the_upstream()
    {
        var name = "held-" + Guid.NewGuid().ToString("N")[..8];
        var stored = Bytes(1);
        var missing = Bytes(2);
        var storedFile = File(name, "1.0", stored);
        var missingFile = File(name, "2.0", missing);
        await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BulwarkDbContext>();
            db.UpstreamPages.Add(new UpstreamPage
            {
                NormalizedName = name,
                UpstreamUrl = "http://127.0.0.1:9/simple/",
                CheckedAt = DateTimeOffset.UtcNow.AddDays(-3),
                Listing = new UpstreamListing(name, true, [storedFile, missingFile]).ToStoredJson(),
            });
            await db.SaveChangesAsync();
            return 0;
        });
        await server.Blobs.PutBytesAsync(storedFile.BlobPath, stored);
        var client = server.CreateClient();

        var page = await client.GetAsync($"/simple/{name}/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("offline", page.Headers.GetValues("X-Bulwark-Upstream").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(storedFile.Filename, html);

        var file = await client.GetAsync("/" + Core.Index.IndexFormatting.FilePath(storedFile.BlobPath));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(stored, await file.Content.ReadAsByteArrayAsync());
        var notHeld = await client.GetAsync("/" + Core.Index.IndexFormatting.FilePath(missingFile.BlobPath));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notHeld.StatusCode);
        Assert.Equal(0, server.Services.GetRequiredService<UpstreamProxy>().UpstreamRequests);
        Assert.Equal(0, server.Services.GetRequiredService<UpstreamFiles>().Downloads);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/simple/never-held/")).StatusCode);
    }

    private static byte[] Bytes(int seed) => [.. Enumerable.Range(0, 100).Select(i => (byte)(i * seed))];

    private static UpstreamFile File(string name, string version, byte[] bytes) =>
        new($"{name.Replace('-', '_')}-{version}-py3-none-any.whl", $"http://127.0.0.1:9/files/{name}-{version}.whl",
            Convert.ToHexStringLower(SHA256.HashData(bytes)), version, null, false, null, null, bytes.Length, null);
}

public sealed class OfflineUpstreamTestsSqlite(SqliteOfflineUpstreamServer s) : OfflineUpstreamTests<SqliteOfflineUpstreamServer>(s), IClassFixture<SqliteOfflineUpstreamServer>;

public sealed class OfflineUpstreamTestsPostgres(PostgresOfflineUpstreamServer s) : OfflineUpstreamTests<PostgresOfflineUpstreamServer>(s), IClassFixture<PostgresOfflineUpstreamServer>;
