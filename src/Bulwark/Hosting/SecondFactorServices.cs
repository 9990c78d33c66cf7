using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Accounts.WebAuthn;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>TOTP, recovery codes and WebAuthn: options, the key for TOTP seeds, the relying party and the use cases.</summary>
public static class SecondFactorServices
{
    public static IServiceCollection AddSecondFactors(this IServiceCollection services)
    {
        services.AddValidatedOptions<TwoFactorOptions>(TwoFactorOptions.Section)
            .Validate(o => ValidatedOptions.IsEmptyOrKey(o.SecretKey), "Bulwark:TwoFactor:SecretKey must be base64 of 32 random bytes, or empty.");
        services.AddValidatedOptions<WebAuthnOptions>(WebAuthnOptions.Section)
            .Validate(o => o.ChallengeLifetime > TimeSpan.Zero && o.ChallengeLifetime <= WebAuthnOptions.MaxChallengeLifetime,
                "Bulwark:WebAuthn:ChallengeLifetime must be more than zero and at most 5 minutes (security baseline).");

        // Both need the public URL, which without configuration is known only once the server listens;
        // singletons are built on first use, which is after that.
        services.AddSingleton(sp => WebAuthnSettings.Resolve(sp.GetRequiredService<IOptions<WebAuthnOptions>>().Value, PublicUri(sp)));
        services.AddSingleton(sp => new WebAuthnRelyingParty(sp.GetRequiredService<WebAuthnSettings>()));
        services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<TwoFactorOptions>>().Value;
            return new TwoFactorOptions
            {
                TotpIssuer = string.IsNullOrWhiteSpace(configured.TotpIssuer) ? PublicUri(sp).Host : configured.TotpIssuer,
                SecretKey = configured.SecretKey,
            };
        });
        services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<TwoFactorOptions>>().Value.SecretKey;
            if (!string.IsNullOrWhiteSpace(configured)) return FactorSecretProtector.FromBase64(configured, "Bulwark:TwoFactor:SecretKey");
            var dataDirectory = DataServices.DataDirectory(sp.GetRequiredService<IOptions<BulwarkOptions>>().Value);
            return FactorSecretProtector.LoadOrCreate(Path.Combine(dataDirectory, "keys", "factor-secrets.key"));
        });

        // The owner hears about every factor change by e-mail (the sender queues; delivery does not hold the request).
        services.TryAddSingleton<IFactorNotifier, EmailFactorNotifier>();
        services.AddScoped<FactorNotifications>();
        services.AddScoped<TotpSecrets>();
        services.AddScoped<TotpEnrollment>();
        services.AddScoped<TotpVerification>();
        services.AddScoped<RecoveryCodeGeneration>();
        services.AddScoped<RecoveryCodeRedemption>();
        services.AddScoped<WebAuthnChallengeStore>();
        services.AddScoped<WebAuthnRegistration>();
        services.AddScoped<WebAuthnAssertion>();
        services.AddScoped<WebAuthnCredentialManagement>();
        services.AddScoped<TwoFactorStatusQuery>();
        services.AddScoped<FactorRemoval>();
        services.AddSingleton<KnownDeviceFilter>();
        services.AddScoped<KnownDevices>();
        services.AddScoped<DeviceConfirmation>();
        services.AddScoped<SecondFactorSignIn>();
        services.AddScoped<PasskeySignIn>();
        return services;
    }

    private static Uri PublicUri(IServiceProvider sp)
    {
        if (sp.GetService<PublicUrl>() is { } publicUrl) return publicUrl.Uri;
        // The admin command line has no server; it only needs a sensible host name.
        return PublicUrl.WithoutServer(sp.GetRequiredService<IOptions<BulwarkOptions>>().Value);
    }
}
