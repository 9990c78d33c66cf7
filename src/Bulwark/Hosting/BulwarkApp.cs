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
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddBulwarkData(builder.Configuration);
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddBulwarkWeb(builder.Configuration);

        var app = builder.Build();
        app.UseBulwarkForwardedHeaders();
        app.UseBulwarkWebUi();
        app.MapBulwarkEndpoints();
        app.MapBulwarkPages();
        return app;
    }

    private static IServiceCollection AddBulwarkWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddSingleton<PublicUrl>();
        services.AddBulwarkEmail();
        services.AddIndexServices();
        services.AddBulwarkWebUi();
        services.AddSingleton<CriticalRecomputeScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<CriticalRecomputeScheduler>());
        return services;
    }

    /// <summary>X-Forwarded-* is honoured only from the proxies an operator listed; anyone else could forge it.</summary>
    private static void UseBulwarkForwardedHeaders(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<BulwarkOptions>>().Value;
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
