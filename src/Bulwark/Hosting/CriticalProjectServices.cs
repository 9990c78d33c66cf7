using Bulwark.Core.Policies;

namespace Bulwark.Hosting;

public static class CriticalProjectServices
{
    /// <summary>The cohort's use cases and options; shared by the web host and the admin verbs.</summary>
    public static IServiceCollection AddCriticalProjects(this IServiceCollection services)
    {
        services.AddValidatedOptions<CriticalProjectOptions>(CriticalProjectOptions.Section);
        // Maintainers are e-mailed through whatever IEmailSender the host registered (the outbox on the server,
        // the transport itself for the admin verbs).
        services.AddScoped<ICriticalProjectNotifier, EmailCriticalProjectNotifier>();
        services.AddScoped<CriticalMarks>();
        services.AddScoped<CriticalRecompute>();
        services.AddScoped<CriticalProjectAdmin>();
        services.AddScoped<CriticalProjectPolicy>();
        services.AddValidatedOptions<TwoFactorMandateOptions>(TwoFactorMandateOptions.Section);
        services.AddScoped<MandateEnforcement>();
        services.AddScoped<MandateDashboard>();
        services.AddScoped<ITwoFactorRequirement, MandateTwoFactorRequirement>();
        return services;
    }
}
