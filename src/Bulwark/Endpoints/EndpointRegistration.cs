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
        services.AddSingleton(sp =>
        {
            var uploads = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BulwarkOptions>>().Value.Uploads;
            var classifiers = Bulwark.Core.Packaging.Metadata.TroveClassifiers.Default.WithAdditional(uploads.ExtraClassifiers);
            return new DistributionChecks(new Bulwark.Core.Packaging.Metadata.MetadataValidationOptions { Classifiers = classifiers });
        });
        return services;
    }

    public static void MapBulwarkEndpoints(this WebApplication app)
    {
        app.MapGet("/_health", () => TypedResults.Text("ok"));
        app.MapLegacyUpload();
    }
}
