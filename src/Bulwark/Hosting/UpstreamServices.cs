using Bulwark.Core.Upstreams;
using Bulwark.Upstreams;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>Registration of the upstream proxy (<c>Bulwark:Upstreams</c>, see docs/upstreams.md).</summary>
public static class UpstreamServices
{
    /// <summary>What the server and the admin verbs share: options, the guard, the release gates, the OSV import.</summary>
    public static IServiceCollection AddUpstreamCore(this IServiceCollection services)
    {
        services.AddOptions<UpstreamProxyOptions>()
            .Configure<IConfiguration>((o, configuration) => configuration.GetSection(UpstreamProxyOptions.Section).Bind(o.Upstreams))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<UpstreamProxyOptions>, UpstreamOptionsValidation>();
        services.AddScoped<IUpstreamNamePolicy, UpstreamNamePolicy>();
        // Every gate registered here is asked; quarantine of proxied releases joins as one more IUpstreamReleaseGate.
        services.AddScoped<IUpstreamReleaseGate, BlockedVersionGate>();
        services.AddScoped<UpstreamHandover>();
        services.AddScoped<OsvImport>();
        services.AddScoped<ProxiedQuarantine>();
        return services;
    }

    /// <summary>The server's side: the HTTP client, the page proxy and the file fetcher (singletons holding caches).</summary>
    public static IServiceCollection AddUpstreamProxy(this IServiceCollection services)
    {
        services.AddSingleton<IUpstreamClient>(_ => new HttpUpstreamClient(HttpUpstreamClient.CreateHttpClient()));
        services.AddSingleton<UpstreamProxy>();
        services.AddSingleton<UpstreamFiles>();
        services.AddSingleton<ProxiedProjectJson>();
        services.AddScoped<ProxiedFileScanning>();
        return services;
    }
}
