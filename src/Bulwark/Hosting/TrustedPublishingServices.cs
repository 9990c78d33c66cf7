using Bulwark.Core.Projects;
using Bulwark.Core.TokenLeaks;
using Bulwark.Core.TrustedPublishing;
using Bulwark.Core.Uploads;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

public static class TrustedPublishingServices
{
    private const string KeysClient = "bulwark-keys";

    /// <summary>Trusted Publishing and the leaked-token response; shared by the web host and the admin verbs.</summary>
    public static IServiceCollection AddTrustedPublishing(this IServiceCollection services)
    {
        services.AddValidatedOptions<TrustedPublishingOptions>(TrustedPublishingOptions.Section)
            .Validate(o => o.TokenLifetime >= TimeSpan.FromMinutes(1) && o.TokenLifetime <= TrustedPublishingOptions.MaxTokenLifetime,
                "Bulwark:TrustedPublishing:TokenLifetime is outside the security baseline (1 to 15 minutes).")
            .Validate(o => o.KeyCacheLifetime > TimeSpan.Zero && o.KeyRefreshCooldown >= TimeSpan.FromSeconds(1),
                "Bulwark:TrustedPublishing:KeyCacheLifetime must be positive and KeyRefreshCooldown at least one second.")
            .Validate(o => OidcIssuers.ConfigurationProblem(o) is null, "Bulwark:TrustedPublishing:Issuers has an entry whose Url or JwksUrl is not an https URL.");
        services.AddValidatedOptions<LeakReportOptions>(LeakReportOptions.Section)
            .Validate(o => LeakReportSignature.ConfigurationProblem(o) is null,
                "Bulwark:Secrets is invalid: each Reporters entry needs a KeyId and an ECDSA P-256 PublicKeyPem, and KeysUrl must be https.");

        // One client for public keys (issuers' JWKS, secret scanners' key lists): short timeouts so a slow issuer
        // cannot hold requests, a size cap on what it may send, and no redirects, so the URL checked is the URL read.
        services.TryAddKeyedSingleton(KeysClient, (_, _) => new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = TimeSpan.FromSeconds(10),
            MaxResponseContentBufferSize = 1024 * 1024,
            DefaultRequestHeaders = { { "User-Agent", "Bulwark (trusted publishing key fetch)" } },
        });
        services.TryAddSingleton<OidcIssuers>();
        services.TryAddSingleton(sp => new OidcKeySource(sp.GetRequiredKeyedService<HttpClient>(KeysClient), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<TrustedPublishingOptions>>(), sp.GetRequiredService<ILogger<OidcKeySource>>()));
        services.TryAddSingleton<OidcTokenValidator>();
        services.TryAddSingleton(sp => new LeakReportSignature(sp.GetRequiredService<IOptions<LeakReportOptions>>(), sp.GetRequiredKeyedService<HttpClient>(KeysClient),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LeakReportSignature>>()));
        services.TryAddScoped<ProjectAccess>();
        services.TryAddScoped<ProjectNamePolicy>();
        services.TryAddScoped<ProjectCreation>();
        services.TryAddScoped<PendingReification>();
        services.TryAddScoped<TokenMinting>();
        services.TryAddScoped<PublisherManagement>();
        services.TryAddScoped<PublisherGrants>();
        services.TryAddScoped<LeakedTokens>();
        return services;
    }
}
