using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Data.PostgreSql;
using Bulwark.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>Registers options, the database and the blob store; shared by the web host and the admin verbs.</summary>
public static class DataServices
{
    public static IServiceCollection AddBulwarkData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<BulwarkOptions>(BulwarkOptions.Section)
            .Validate(o => o.Database != DatabaseKind.Postgres || !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Bulwark")),
                "Bulwark:Database is Postgres but ConnectionStrings:Bulwark is empty.")
            .Validate(o => o.PublicUrl is null || Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https",
                "Bulwark:PublicUrl must be an absolute http or https URL.")
            .Validate(o => o.KnownProxies.All(p => System.Net.IPNetwork.TryParse(p, out _) || System.Net.IPAddress.TryParse(p, out _)),
                "Bulwark:KnownProxies has an entry that is not an IP address or CIDR network.")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        // Every process announces its own committed index changes (IndexWriter): on the feed to its own caches (in
        // an admin verb nobody listens), on the signal file in the data directory to the servers sharing it, which
        // read the journal before their next request, and on PostgreSQL by NOTIFY to the instances elsewhere.
        services.AddSingleton<IndexChangeFeed>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BulwarkOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<IndexChangeSignal>();
            var path = Path.Combine(DataDirectory(options), IndexChangeSignalFile);
            return new IndexChangeSignal(path, e => logger.LogWarning(e,
                "Cannot map {Path}; changes made by other processes on this machine will show after the next journal poll instead of at once.", path));
        });
        services.AddSingleton<IndexChangePublisher>();
        services.AddSingleton(_ => new IndexWriteGate());
        services.AddScoped<IndexWriter>();
        // The options are built once (they depend on settings and singletons only), not for every request: building
        // them per scope was a fifth of the CPU of a cheap request (a flooded sign-in page, measured by bench/run signin-flood).
        services.AddDbContext<BulwarkDbContext>((sp, builder) =>
        {
            var options = sp.GetRequiredService<IOptions<BulwarkOptions>>().Value;
            ConfigureDatabase(builder, options, configuration);
        }, optionsLifetime: ServiceLifetime.Singleton);
        services.AddBulwarkBlobStore(configuration);
        return services;
    }

    /// <summary>The shared change signal's file name inside the data directory.</summary>
    public const string IndexChangeSignalFile = "index-changes.signal";

    public static string DataDirectory(BulwarkOptions options) => Path.GetFullPath(options.DataDirectory);

    private static void ConfigureDatabase(DbContextOptionsBuilder builder, BulwarkOptions options, IConfiguration configuration)
    {
        switch (options.Database)
        {
            case DatabaseKind.Postgres:
                PostgresDatabase.Configure(builder, configuration.GetConnectionString("Bulwark")!);
                break;
            default:
                var dir = DataDirectory(options);
                Directory.CreateDirectory(dir);
                var cs = configuration.GetConnectionString("Bulwark");
                SqliteDatabase.Configure(builder, string.IsNullOrWhiteSpace(cs)
                    ? $"Data Source={Path.Combine(dir, "bulwark.db")};Cache=Shared;Default Timeout=30"
                    : cs);
                break;
        }
    }

    /// <summary>Creates the data directory and applies pending migrations.</summary>
    public static async Task InitializeDatabaseAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<IOptions<BulwarkOptions>>().Value;
        Directory.CreateDirectory(DataDirectory(options));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        await db.Database.MigrateAsync(ct);
        if (db.IsSqlite)
        {
            // WAL lets readers (the simple API) proceed while an upload commits.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        // Audit events stored before the hash chain existed are linked at first start (see AuditChain).
        await AuditChain.LinkExistingAsync(db, ct);
    }
}
