using Bulwark.Core.Policies;

namespace Bulwark.Hosting;

public static class CriticalProjectServices
{
    /// <summary>The cohort's use cases and options; shared by the web host and the admin verbs.</summary>
    public static IServiceCollection AddCriticalProjects(this IServiceCollection services)
    {
        services.AddOptions<CriticalProjectOptions>()
            .BindConfiguration(CriticalProjectOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Replaced by the e-mail implementation when the e-mail subsystem is wired in.
        services.AddSingleton<ICriticalProjectNotifier, LoggingCriticalProjectNotifier>();
        services.AddScoped<CriticalMarks>();
        services.AddScoped<CriticalRecompute>();
        services.AddScoped<CriticalProjectAdmin>();
        services.AddScoped<CriticalProjectPolicy>();
        services.AddOptions<TwoFactorMandateOptions>().BindConfiguration(TwoFactorMandateOptions.Section);
        services.AddScoped<MandateEnforcement>();
        services.AddScoped<ITwoFactorRequirement, MandateTwoFactorRequirement>();
        return services;
    }
}
