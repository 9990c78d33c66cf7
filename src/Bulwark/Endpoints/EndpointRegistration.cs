using Bulwark.Core.Downloads;
using Bulwark.Core.Index;
using Bulwark.Core.Uploads;
using Bulwark.Endpoints.Observations;
using Bulwark.Endpoints.Oidc;
using Bulwark.Endpoints.Secrets;
using Bulwark.Endpoints.Upload;
using Bulwark.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Endpoints;

public static class EndpointRegistration
{
    public static IServiceCollection AddIndexServices(this IServiceCollection services)
    {
        services.AddScoped<ReleaseNotifier>();
        services.AddUploadPipeline();
        // After the database initializer (registered earlier): the sweep looks up file rows.
        services.AddScoped<UploadLeftovers>();
        services.AddHostedService<UploadLeftoverSweeper>();
        services.AddReadPath();
        services.AddUpstreamProxy();
        return services;
    }

    /// <summary>
    /// The upload checks and commit, shared by the upload API and the <c>import</c> verb, so that a file brought in
    /// by an operator passes exactly the checks an upload passes.
    /// </summary>
    public static IServiceCollection AddUploadPipeline(this IServiceCollection services)
    {
        services.AddScoped<ProjectNamePolicy>();
        services.AddScoped<UploadCommitter>();
        services.AddScoped<UploadService>();
        services.AddSingleton(sp =>
        {
            var uploads = sp.GetRequiredService<IOptions<BulwarkOptions>>().Value.Uploads;
            var classifiers = Bulwark.Core.Packaging.Metadata.TroveClassifiers.Default.WithAdditional(uploads.ExtraClassifiers);
            return new DistributionChecks(new Bulwark.Core.Packaging.Metadata.MetadataValidationOptions { Classifiers = classifiers }, uploads.AcceptLegacySdistNames);
        });
        return services;
    }

    public static void MapBulwarkEndpoints(this WebApplication app)
    {
        app.MapGet("/_health", () => TypedResults.Text("ok"));
        app.MapLegacyUpload();
        app.MapTrustedPublishing();
        app.MapTokenDisclosure();
        app.MapObservations();
        app.MapSimpleApi();
        app.MapJsonApi();
        app.MapFiles();
        app.MapUpstreamFiles();
    }

    /// <summary>
    /// The read path's PostgreSQL pool: its own (a different connection string is a different pool) and without
    /// the state reset Npgsql otherwise sends with the first statement after a pooled connection is taken again
    /// (with prepared statements kept: RESET ALL, CLOSE ALL, UNLISTEN *, advisory-lock release, DISCARD
    /// SEQUENCES and TEMP), which the server runs before every cache miss's one query.
    /// Why that is safe here: the read path only runs SELECTs, sets no session state, takes no locks and
    /// listens to nothing, so there is nothing to reset.
    /// A second pool also means more server connections: it is capped at four per core (at least 8, never more
    /// than the configured pool), because a read query is a fraction of a millisecond of CPU and more of them at
    /// once than the cores can run only queue inside the server; a storm of cache misses thus waits in Bulwark
    /// and cannot take the connection slots (max_connections) that uploads and sign-ins need.
    /// </summary>
    internal static string ReadPathPostgres(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, ApplicationName = "bulwark-read" };
        builder.MaxPoolSize = Math.Min(builder.MaxPoolSize, Math.Max(8, 4 * Environment.ProcessorCount));
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
        return builder.ConnectionString;
    }

    /// <summary>The simple and JSON APIs' page cache, file serving and download counting.</summary>
    private static IServiceCollection AddReadPath(this IServiceCollection services)
    {
        services.AddValidatedOptions<IndexOptions>(IndexOptions.Section);
        services.AddValidatedOptions<DownloadCountOptions>(DownloadCountOptions.Section);
        services.AddSingleton(sp => new PageCache(sp.GetRequiredService<IOptions<IndexOptions>>().Value.PageCacheMegabytes * 1024L * 1024L));
        services.AddSingleton(sp =>
        {
            using var scope = sp.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>();
            return IndexLookups.FromContext(db, db.IsSqlite ? null : ReadPathPostgres);
        });
        services.AddSingleton(sp =>
        {
            var generations = new IndexGenerations();
            var feed = sp.GetRequiredService<IndexChangeFeed>();
            feed.ProjectChanged += generations.Changed;
            feed.EverythingChanged += generations.ChangedAll;
            return generations;
        });
        services.AddSingleton<RootIndex>();
        services.AddSingleton(sp => new FileLookupCache(sp.GetRequiredService<IndexLookups>(), sp.GetRequiredService<IndexGenerations>(),
            sp.GetRequiredService<IOptions<IndexOptions>>().Value.FileLookupCacheEntries));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IndexOptions>>().Value;
            return new SmallBlobCache(sp.GetRequiredService<Bulwark.Core.Storage.IBlobStore>(), o.SmallBlobKilobytes * 1024L, o.SmallBlobCacheMegabytes * 1024L * 1024L);
        });
        // The poller's gap timeout is a matter of wall-clock time in this process, not of the domain clock (which
        // tests replace with a fake one that jumps by days).
        services.AddSingleton(sp => new JournalPoller(sp.GetRequiredService<IndexLookups>(), sp.GetRequiredService<IndexChangeFeed>(), TimeProvider.System));
        services.AddSingleton<IndexFreshness>();
        services.AddHostedService<JournalPollingService>();
        services.AddSingleton<IndexChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<IndexChangeListener>());
        services.AddSingleton<DownloadCounter>();
        services.AddScoped<DownloadCountWriter>();
        services.AddSingleton<DownloadCountFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<DownloadCountFlusher>());
        return services;
    }
}
