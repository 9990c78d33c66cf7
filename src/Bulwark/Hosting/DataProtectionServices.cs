using Bulwark.Core.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>
/// Where ASP.NET Core data protection keeps its key ring (antiforgery tokens, the flash-message cookie): with the
/// rest of Bulwark's state, sealed at rest under the key-encryption key. On PostgreSQL the ring is in the
/// database (<see cref="DatabaseXmlRepository"/>), so instances that share no directory share the keys; on
/// SQLite it stays in the data directory.
/// </summary>
/// <remarks>
/// Why SQLite keeps the files: a SQLite deployment is one machine, and every process on it (servers, admin
/// verbs) already shares the data directory, so the files are shared too; keeping them also keeps the keys of
/// existing installations, whose forms and cookies in flight would otherwise all fail once at the upgrade.
/// </remarks>
public static class DataProtectionServices
{
    /// <summary>The key ring, relative to the data directory.</summary>
    public static readonly string KeyRingDirectory = Path.Combine("keys", "data-protection");

    /// <summary>The key-encryption key file, relative to the data directory.</summary>
    public static readonly string KeyEncryptionKeyFile = Path.Combine("keys", "data-protection.key");

    public static IServiceCollection AddBulwarkDataProtection(this IServiceCollection services)
    {
        // Registered before data protection's own hosted service, which loads the ring (creating a key when
        // there is none) at start: on PostgreSQL the first key must come from one instance only.
        services.AddHostedService<SharedKeyRingInitializer>();
        // A fixed application name: the default is derived from the content root, so two installations (or two
        // versions in different folders) on the same data directory would not accept each other's tokens.
        services.AddDataProtection().SetApplicationName("Bulwark");
        services.AddValidatedOptions<KeyRingOptions>(KeyRingOptions.Section)
            .Validate(o => ValidatedOptions.IsEmptyOrKey(o.KeyEncryptionKey), "Bulwark:DataProtection:KeyEncryptionKey must be base64 of 32 random bytes, or empty.");
        services.AddSingleton(sp =>
        {
            var dataDirectory = DataServices.DataDirectory(sp.GetRequiredService<IOptions<BulwarkOptions>>().Value);
            return KeyRingEncryptionKey.Load(sp.GetRequiredService<IOptions<KeyRingOptions>>().Value.KeyEncryptionKey,
                $"{KeyRingOptions.Section}:KeyEncryptionKey", Path.Combine(dataDirectory, KeyEncryptionKeyFile));
        });
        // Registered after AddDataProtection's own setup, so these win over its defaults (a directory in the
        // user's profile, keys in clear on Linux).
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((keys, sp) =>
        {
            // The key first: it creates keys/ owner-only when it makes the file there.
            keys.XmlEncryptor = new KeyRingXmlEncryptor(sp.GetRequiredService<KeyRingEncryptionKey>());
            var options = sp.GetRequiredService<IOptions<BulwarkOptions>>().Value;
            if (options.Database == DatabaseKind.Postgres)
            {
                keys.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IServiceScopeFactory>());
                return;
            }
            var dataDirectory = DataServices.DataDirectory(options);
            var ring = Path.Combine(dataDirectory, KeyRingDirectory);
            ServerKeyFile.CreatePrivateDirectory(ring);
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(ring), sp.GetRequiredService<ILoggerFactory>());
        });
        return services;
    }
}
