using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Projects;

namespace Bulwark.Hosting;

public static class ManagementServices
{
    /// <summary>Project management and the web-only account use cases.</summary>
    public static IServiceCollection AddBulwarkManagement(this IServiceCollection services)
    {
        services.AddScoped<ProjectAccess>();
        services.AddScoped<Collaborators>();
        services.AddScoped<ReleaseRemoval>();
        services.AddScoped<Bulwark.Core.Accounts.ApiTokens.TokenList>();
        return services;
    }
}
