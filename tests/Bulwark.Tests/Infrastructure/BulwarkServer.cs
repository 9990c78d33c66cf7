using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Storage;
using Bulwark.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// A Bulwark server on a temporary data directory and a database of its own, shared by the tests of one
/// class (tests use unique project names). Subclasses pick the database.
/// </summary>
public abstract class BulwarkServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string? _postgres;

    /// <param name="dataDirectory">Null: a fresh temporary directory. Servers given the same one share its files.</param>
    protected BulwarkServer(DatabaseKind database, string? dataDirectory = null)
    {
        Database = database;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "bulwark-tests", Guid.NewGuid().ToString("N"));
    }

    public DatabaseKind Database { get; }
    public string DataDirectory { get; }

    /// <summary>Extra configuration for a subclass (limits, flags).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    /// <summary>
    /// <c>Bulwark:Policy:RequireTwoFactorForAll</c> for this server. The shared servers turn it off: the web
    /// and account tests sign in with password-only accounts to test pages that have nothing to do with 2FA.
    /// The mandate tests run on servers that keep the default (on); uploads elsewhere use automation accounts,
    /// which the rule exempts.
    /// </summary>
    protected virtual bool RequireTwoFactorForAll => false;

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        if (Database == DatabaseKind.Postgres) _postgres = await CreatePostgresDatabaseAsync();
        OnStarting();
        _ = Services; // start the host now, so migrations run before the first test
    }

    protected virtual void OnStarting()
    {
    }

    /// <summary>The PostgreSQL database this server runs on (dropped when it stops): a new one unless a subclass brings its own.</summary>
    protected virtual Task<string> CreatePostgresDatabaseAsync() => TestDatabases.CreatePostgresDatabaseAsync();

    /// <summary>The connection string of this server's PostgreSQL database; null on SQLite.</summary>
    public string? PostgresConnectionString => _postgres;

    /// <summary>After the host stopped: a subclass releases what it started in <see cref="OnStarting"/>.</summary>
    protected virtual ValueTask OnStoppedAsync() => ValueTask.CompletedTask;
    /// <summary>Starts what the server depends on (an object store) before the host is built.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="PrepareAsync"/> started, after the host.</summary>
    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    /// <summary>The server's blob store (files on disk or objects in a bucket).</summary>
    public IBlobStore Blobs => Services.GetRequiredService<IBlobStore>();

    public async Task<List<StoredBlob>> ListBlobsAsync()
    {
        var all = new List<StoredBlob>();
        await foreach (var blob in Blobs.ListAsync()) all.Add(blob);
        return all;
    }

    /// <summary>Upload temp files still on disk.</summary>
    public string[] TempFiles() => Directory.Exists(Blobs.TempDirectory) ? Directory.GetFiles(Blobs.TempDirectory) : [];

    public async Task<byte[]?> ReadBlobAsync(string path)
    {
        await using var stream = await Blobs.OpenReadAsync(path);
        if (stream is null) return null;
        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes);
        return bytes;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Bulwark:DataDirectory", DataDirectory);
        builder.UseSetting("Bulwark:Database", Database.ToString());
        builder.UseSetting("Bulwark:PublicUrl", "http://localhost");
        if (_postgres is not null) builder.UseSetting("ConnectionStrings:Bulwark", _postgres);
        builder.UseSetting("Bulwark:Policy:RequireTwoFactorForAll", RequireTwoFactorForAll ? "true" : "false");
        foreach (var (k, v) in Settings) builder.UseSetting(k, v);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestClientAddress>());
    }

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> body)
    {
        await using var scope = Services.CreateAsyncScope();
        return await body(scope.ServiceProvider);
    }

    public Task<T> WithDbAsync<T>(Func<BulwarkDbContext, Task<T>> body) =>
        WithScopeAsync(sp => body(sp.GetRequiredService<BulwarkDbContext>()));

    /// <summary>Creates an automation user (or returns it) and mints a token for it.</summary>
    public Task<string> CreateTokenAsync(string username, IReadOnlyCollection<string>? projects = null, DateTimeOffset? expires = null) =>
        WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserService>();
            var user = await users.FindByUsernameAsync(username)
                ?? (await users.CreateAsync(username, $"{username}@example.com", null, false, true, new Actor("test", "test"))).Value;
            var created = await sp.GetRequiredService<ApiTokenService>().CreateAsync(user, "test", projects ?? [], expires, new Actor("test", "test"));
            return created.Token;
        });

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await OnStoppedAsync();
        if (_postgres is not null) await TestDatabases.DropPostgresDatabaseAsync(_postgres);
        await CleanUpAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}

public sealed class SqliteServer() : BulwarkServer(DatabaseKind.Sqlite);

/// <summary>Listens on a real loopback port (for raw-socket tests); <see cref="WebApplicationFactory{T}.ClientOptions"/> has its address.</summary>
public sealed class RealSocketServer : BulwarkServer
{
    public RealSocketServer() : base(DatabaseKind.Sqlite) => UseKestrel(0);

    /// <summary>How each request ended on the server's side.</summary>
    public RequestOutcomes Outcomes { get; } = new();

    protected override void OnStarting() => StartServer();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // As deployed: in Development the host adds the developer exception page, which would turn an
        // exception that escapes an endpoint into an answer the raw-socket tests could not tell apart.
        builder.UseEnvironment("Production");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Outcomes));
    }
}

public sealed class PostgresServer() : BulwarkServer(DatabaseKind.Postgres);
