using Bulwark.Endpoints;
using Bulwark.Web;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>Builds the web host: services, middleware and endpoints.</summary>
public static class BulwarkApp
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static WebApplication Build(string[] args)
    {
        // The content root is the application's directory, not the working directory (see AppLayout).
        // Reloading appsettings.json on change makes the host watch the directories its files are in recursively,
        // and a data directory may well live under one of them (./data under the working directory): one inotify
        // watch per blob directory, a directory scan and ~100 MB of garbage per upload, and in time the inotify
        // limit. Configuration is read at start; changing it means restarting, as for the database settings anyway.
        var builder = WebApplication.CreateBuilder(AppLayout.WebOptions(["--hostBuilder:reloadConfigOnChange=false", .. args]));
        AppLayout.AddWorkingDirectorySettings(builder.Configuration, builder.Environment);
        AppLayout.UseWebAssets(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Kestrel's "Server" header only tells an attacker what runs here; every response is smaller without it.
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        // Log levels come from the shipped appsettings.json (AppLayout finds it from any working directory):
        // ASP.NET Core's two Information lines per request would be most of the cost of a cached page at tens of
        // thousands of requests a second, and EF Core's one per SQL statement buried everything else.
        builder.Logging.AddBulwarkLogFormat(builder.Configuration);
        builder.AddBulwarkMetrics();
        builder.Services.AddBulwarkHealthChecks();
        builder.Services.AddBulwarkData(builder.Configuration);
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddBulwarkWeb(builder.Configuration);

        var app = builder.Build();
        app.UseBulwarkMetrics();
        app.UseIndexFreshness();
        app.UseBulwarkForwardedHeaders();
        app.UseBulwarkWebUi();
        app.MapBulwarkEndpoints();
        app.MapBulwarkHealthChecks();
        app.MapBulwarkPages();
        return app;
    }

    private static IServiceCollection AddBulwarkWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddBulwarkDataProtection();
        services.AddSingleton<PublicUrl>();
        services.AddBulwarkEmail();
        services.AddIndexServices();
        services.AddBulwarkWebUi();
        // Scheduled jobs claim each run in the database, so several instances run it once (see JobLeases).
        services.AddScoped<Core.ScaleOut.JobLeases>();
        services.AddSingleton<CriticalRecomputeScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<CriticalRecomputeScheduler>());
        return services;
    }

    /// <summary>
    /// Before any request: if another process on this machine committed an index change since the last journal
    /// poll, poll now, so that a change is visible to every request that starts after its writer returned.
    /// Without such a change this is one memory read.
    /// </summary>
    private static void UseIndexFreshness(this WebApplication app)
    {
        var freshness = app.Services.GetRequiredService<Bulwark.Core.Index.IndexFreshness>();
        app.Use((context, next) =>
        {
            var current = freshness.EnsureCurrentAsync(context.RequestAborted);
            return current.IsCompletedSuccessfully ? next(context) : Then(current, context, next);
        });

        static async Task Then(ValueTask current, HttpContext context, RequestDelegate next)
        {
            await current;
            await next(context);
        }
    }

    /// <summary>X-Forwarded-* is honoured only from the proxies an operator listed; anyone else could forge it.</summary>
    private static void UseBulwarkForwardedHeaders(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<BulwarkOptions>>().Value;
        // Without trusted proxies the middleware could only ignore the headers; skip it on every request.
        if (options.KnownProxies.Count == 0) return;
        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
        };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in options.KnownProxies)
        {
            if (System.Net.IPNetwork.TryParse(proxy, out var network)) forwarded.KnownIPNetworks.Add(network);
            else if (System.Net.IPAddress.TryParse(proxy, out var ip)) forwarded.KnownProxies.Add(ip);
            else throw new InvalidOperationException($"Bulwark:KnownProxies entry '{proxy}' is not an IP address or CIDR network.");
        }
        app.UseForwardedHeaders(forwarded);
    }
}
