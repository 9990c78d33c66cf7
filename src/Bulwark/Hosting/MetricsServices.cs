using Bulwark.Core.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Bulwark.Hosting;

/// <summary>
/// Exports the <c>Bulwark</c> meter (uploads, refusals, page cache, sign-ins, jobs) and ASP.NET Core's request
/// metrics (<c>http.server.request.duration</c> by route and status) through OpenTelemetry's Prometheus exporter.
/// </summary>
internal static class MetricsServices
{
    public const string ScrapePath = "/metrics";

    public static void AddBulwarkMetrics(this WebApplicationBuilder builder)
    {
        var options = MetricsOptions.From(builder.Configuration);
        if (!options.Enabled) return;
        if (options.ListenUrls.Count > 0)
        {
            var main = (builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? PublicUrl.DefaultListenUrl)
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // Requests are told apart by the port they arrived on, so the metrics listener needs one of its own.
            if (Ports(options.ListenUrls).Overlaps(Ports(main)))
            {
                throw new InvalidOperationException($"{MetricsOptions.Section}:Urls must listen on a port that the index does not use ({string.Join(';', main)}).");
            }
            builder.WebHost.UseUrls([.. main, .. options.ListenUrls]);
        }
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("bulwark"))
            .WithMetrics(metrics => metrics
                .AddMeter(BulwarkMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
    }

    /// <summary>Goes first in the pipeline, so a scrape on the metrics listener runs no other middleware.</summary>
    public static void UseBulwarkMetrics(this WebApplication app)
    {
        var options = MetricsOptions.From(app.Configuration);
        if (!options.Enabled) return;
        if (options.ListenUrls.Count == 0)
        {
            app.MapPrometheusScrapingEndpoint(ScrapePath);
            return;
        }
        var ports = Ports(options.ListenUrls);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == ScrapePath && ports.Contains(context.Connection.LocalPort));
        // The metrics listener may be open to a monitoring network that should not reach the index itself.
        app.Use((context, next) =>
        {
            if (!ports.Contains(context.Connection.LocalPort)) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    private static HashSet<int> Ports(IEnumerable<string> urls) => urls.Select(u => BindingAddress.Parse(u).Port).ToHashSet();
}
