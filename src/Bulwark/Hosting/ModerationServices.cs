using Bulwark.Core.Moderation;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Projects;

namespace Bulwark.Hosting;

public static class ModerationServices
{
    /// <summary>Incident response (reports, quarantine, removal, prohibited names, owners' status) for the server and the verbs.</summary>
    public static IServiceCollection AddModeration(this IServiceCollection services)
    {
        services.AddOptions<ModerationOptions>()
            .BindConfiguration(ModerationOptions.Section)
            .Validate(o => o.Problems().Count == 0, "Bulwark:Moderation has a value out of range (NewProjectAge 0-30 days, DistinctReporters 2-100, TrustedReporters 1-DistinctReporters, Contact at most 200 characters).")
            .ValidateOnStart();
        services.AddScoped<ModerationTargets>();
        services.AddScoped<ProjectQuarantine>();
        services.AddScoped<AutoQuarantine>();
        services.AddScoped<ReportFiling>();
        services.AddScoped<ReviewQueue>();
        services.AddScoped<ReportVerdicts>();
        services.AddScoped<MalwareRemoval>();
        services.AddScoped<ProhibitedNames>();
        services.AddScoped<ObserverRole>();
        services.AddScoped<ProjectStatusChange>();
        return services;
    }
}
