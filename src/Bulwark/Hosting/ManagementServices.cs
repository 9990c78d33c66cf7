using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Projects;

namespace Bulwark.Hosting;

public static class ManagementServices
{
    /// <summary>Project management and the token listing the token pages use.</summary>
    public static IServiceCollection AddBulwarkManagement(this IServiceCollection services)
    {
        services.AddScoped<ProjectAccess>();
        services.AddScoped<Collaborators>();
        services.AddScoped<ReleaseRemoval>();
        services.AddScoped<TokenList>();
        return services;
    }
}
