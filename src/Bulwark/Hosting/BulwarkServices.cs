using Bulwark.Core.Moderation.Scanning;
using Bulwark.Core.Moderation.Typosquats;
using Bulwark.Endpoints;
using Bulwark.Web;

namespace Bulwark.Hosting;

/// <summary>The two hosts Bulwark runs in.</summary>
public enum HostKind
{
    /// <summary>The server: index, upload API, pages, and the background services that keep them.</summary>
    Web,
    /// <summary>The admin verbs: the same configuration, database and use cases, no server and no background work.</summary>
    Cli,
}

/// <summary>
/// The one place that decides what a Bulwark host is made of. The server and the command line both call
/// <see cref="AddBulwark"/>, so they read the same settings with the same checks and reach the same database
/// through the same use cases; what differs between them is spelled out here and nowhere else.
/// </summary>
public static class BulwarkServices
{
    public static IServiceCollection AddBulwark(this IServiceCollection services, IConfiguration configuration, HostKind kind)
    {
        services.AddBulwarkData(configuration);
        // Options that only the admin verbs use today are still checked wherever they are configured: a typo in
        // appsettings.json must not wait for the day someone runs 'scan'.
        services.AddValidatedOptions<ScanOptions>(ScanOptions.Section);
        services.AddValidatedOptions<TyposquatOptions>(TyposquatOptions.Section);
        // One protected set per process, rebuilt when its inputs change; the hold acts on the verdict at creation.
        services.AddSingleton<ServerProtectedNames>();
        services.AddScoped<TyposquatHold>();
        services.AddScoped<UploadScanning>();
        services.AddValidatedOptions<MetricsOptions>(MetricsOptions.Section);
        if (kind == HostKind.Cli)
        {
            services.AddBulwarkCore();
            services.AddBulwarkCliEmail();
            // For 'import': no release mails (nobody published anything new) and no upstream handover.
            services.AddUploadPipeline();
            return services;
        }

        services.AddBulwarkHealthChecks();
        // Before every other hosted service: they read tables the migrations create.
        services.AddHostedService<DatabaseInitializer>();
        services.AddProblemDetails();
        services.AddBulwarkDataProtection();
        services.AddSingleton<PublicUrl>();
        services.AddBulwarkEmail();
        services.AddBulwarkCore();
        services.AddIndexServices();
        services.AddBulwarkWebUi();
        // Scheduled jobs claim each run in the database, so several instances run it once (see JobLeases).
        services.AddScoped<Core.ScaleOut.JobLeases>();
        services.AddSingleton<CriticalRecomputeScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<CriticalRecomputeScheduler>());
        services.AddSingleton<AccountHousekeeping>();
        services.AddHostedService(sp => sp.GetRequiredService<AccountHousekeeping>());
        return services;
    }
}
