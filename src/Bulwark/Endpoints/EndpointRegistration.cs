using Bulwark.Core.Uploads;
using Bulwark.Endpoints.Upload;
using Bulwark.Hosting;

namespace Bulwark.Endpoints;

public static class EndpointRegistration
{
    public static IServiceCollection AddIndexServices(this IServiceCollection services)
    {
        services.AddBulwarkCore();
        services.AddScoped<ProjectNamePolicy>();
        services.AddScoped<UploadCommitter>();
        services.AddScoped<UploadService>();
        services.AddSingleton<DistributionChecks>();
        return services;
    }

    public static void MapBulwarkEndpoints(this WebApplication app)
    {
        app.MapGet("/_health", () => TypedResults.Text("ok"));
        app.MapLegacyUpload();
    }
}
