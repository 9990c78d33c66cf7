using Bulwark.Core.Moderation;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Moderation.Typosquats;
using Bulwark.Core.Projects;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

public static class ModerationServices
{
    /// <summary>Incident response (reports, quarantine, removal, prohibited names, owners' status) for the server and the verbs.</summary>
    public static IServiceCollection AddModeration(this IServiceCollection services)
    {
        // The validator names each key at fault, so a bad value stops the start with the key to fix.
        services.AddSingleton<IValidateOptions<ModerationOptions>, ModerationOptionsValidator>();
        services.AddOptions<ModerationOptions>().BindConfiguration(ModerationOptions.Section).ValidateOnStart();
        services.AddScoped<ModerationTargets>();
        services.AddScoped<ProjectQuarantine>();
        services.AddScoped<AutoQuarantine>();
        services.AddScoped<ReportFiling>();
        services.AddScoped<ReviewQueue>();
        services.AddScoped<ReportVerdicts>();
        services.AddScoped<MalwareRemoval>();
        services.AddScoped<CompromiseResponse>();
        services.AddScoped<AccountActivity>();
        services.AddScoped<ProhibitedNames>();
        services.AddScoped<DetectorReports>();
        services.AddScoped<NameLists>();
        services.AddScoped<NameSweep>();
        services.AddScoped<ObserverRole>();
        services.AddScoped<ProjectStatusChange>();
        return services;
    }
}

/// <summary>Fails the options with every problem <see cref="ModerationOptions.Problems"/> finds, each naming its key.</summary>
internal sealed class ModerationOptionsValidator : IValidateOptions<ModerationOptions>
{
    public ValidateOptionsResult Validate(string? name, ModerationOptions options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
