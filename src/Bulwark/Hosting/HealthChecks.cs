using System.Text.Json;
using Bulwark.Core.Data;
using Bulwark.Core.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is up and answering (no dependency is asked, so a database outage does not get
/// every instance restarted). <c>/readyz</c>: the database is reachable with every migration applied and the blob
/// store is reachable; 503 otherwise. Both answer a small JSON body naming each check.
/// </summary>
internal static class HealthChecks
{
    private const string ReadyTag = "ready";

    // A check that hangs (an unreachable object store) must not hang the probe: it fails after this.
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddBulwarkHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReady>("database", failureStatus: null, tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<StorageReady>("storage", failureStatus: null, tags: [ReadyTag], timeout: CheckTimeout);
        return services;
    }

    public static void MapBulwarkHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
    }

    /// <summary>
    /// <c>{"status":"Unhealthy","checks":{"database":{"status":"Healthy"},"storage":{"status":"Unhealthy","description":"..."}}}</c>.
    /// Descriptions are Bulwark's own short texts; exception details go to the log, not to an unauthenticated probe.
    /// </summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private sealed class DatabaseReady(BulwarkDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            if (!await db.Database.CanConnectAsync(ct)) return HealthCheckResult.Unhealthy("the database is not reachable");
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
            return pending == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{pending} database migration{(pending == 1 ? " is" : "s are")} not applied yet");
        }
    }

    private sealed class StorageReady(IBlobStore blobs) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await blobs.CheckAvailableAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("the blob store is not reachable", e);
            }
        }
    }
}
