using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Core.Readmes;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

public static class CoreServices
{
    /// <summary>Use cases of Bulwark.Core, scoped to one unit of work (one DbContext).</summary>
    public static IServiceCollection AddBulwarkCore(this IServiceCollection services)
    {
        services.AddUpstreamCore();
        services.AddSingleton(new PasswordHasher());
        services.AddSingleton(_ => new PasswordPolicy(CommonPasswordList.Default));
        // The ranges are the security baseline's ceilings (lifetimes, windows, failure budgets): see AccountOptions.
        services.AddValidatedOptions<AccountOptions>(AccountOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AccountOptions>>().Value.Sessions);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AccountOptions>>().Value.Links);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AccountOptions>>().Value.Throttling);
        services.AddScoped<AuditLog>();
        services.AddScoped<SecurityHistory>();
        services.AddScoped<AccountTokenService>();
        services.AddScoped<SessionService>();
        services.AddScoped<AuthThrottle>();
        // Per process: the hashing budget guards this process's cores; spent proofs and audited trips are remembered here.
        services.AddSingleton<PasswordCheckGate>();
        services.AddSingleton<ThrottleTrips>();
        services.AddSingleton(sp => new ProofOfWork(
            sp.GetRequiredService<Core.Accounts.TwoFactor.FactorSecretProtector>().DeriveKey("sign-in proof of work"), sp.GetRequiredService<TimeProvider>()));
        services.AddScoped<SignInContinuation>();
        services.AddScoped<Registration>();
        services.AddScoped<EmailVerification>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<Reauthentication>();
        services.AddScoped<PasswordResetRequest>();
        services.AddScoped<PasswordReset>();
        services.AddScoped<AccountRestoration>();
        services.AddScoped<AccountFreeze>();
        services.AddScoped<PasswordChange>();
        services.AddScoped<EmailChange>();
        services.AddScoped<ApiTokenCreation>();
        services.AddScoped<UserService>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<ReleaseManagement>();
        // One renderer for the process: it runs one description at a time (see ReadmeRenderer).
        services.AddSingleton(new ReadmeBudget());
        services.AddSingleton<ReadmeRenderer>();
        services.AddScoped<ReleaseDescriptions>();
        services.AddSecondFactors();
        services.AddCriticalProjects();
        services.AddTrustedPublishing();
        services.AddModeration();
        return services;
    }
}
