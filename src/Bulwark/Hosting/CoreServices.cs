using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;

namespace Bulwark.Hosting;

public static class CoreServices
{
    /// <summary>Use cases of Bulwark.Core, scoped to one unit of work (one DbContext).</summary>
    public static IServiceCollection AddBulwarkCore(this IServiceCollection services)
    {
        services.AddSingleton(new PasswordHasher());
        services.AddScoped<AuditLog>();
        services.AddScoped<IndexJournal>();
        services.AddScoped<UserService>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<ReleaseManagement>();
        services.AddCriticalProjects();
        return services;
    }
}
