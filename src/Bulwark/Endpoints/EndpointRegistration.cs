using Bulwark.Hosting;

namespace Bulwark.Endpoints;

public static class EndpointRegistration
{
    public static IServiceCollection AddIndexServices(this IServiceCollection services)
    {
        services.AddBulwarkCore();
        return services;
    }

    public static void MapBulwarkEndpoints(this WebApplication app)
    {
        app.MapGet("/_health", () => TypedResults.Text("ok"));
    }
}
