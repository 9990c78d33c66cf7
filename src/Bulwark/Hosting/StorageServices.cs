using Amazon.Runtime;
using Bulwark.Core.Storage;
using Bulwark.Storage.S3;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>Where distribution files live (<c>Bulwark:Storage:Kind</c>).</summary>
public enum StorageKind
{
    /// <summary>Files under <c>{DataDirectory}/files</c>.</summary>
    FileSystem,
    /// <summary>An S3-compatible bucket, configured under <c>Bulwark:Storage:S3</c>.</summary>
    S3,
}

/// <summary>Registers the blob store chosen by configuration.</summary>
public static class StorageServices
{
    public const string KindKey = "Bulwark:Storage:Kind";

    public static IServiceCollection AddBulwarkBlobStore(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue(KindKey, StorageKind.FileSystem) == StorageKind.S3)
        {
            S3Storage.Add(services, configuration);
            return services;
        }
        services.AddSingleton<IBlobStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BulwarkOptions>>().Value;
            return new FileSystemBlobStore(Path.Combine(DataServices.DataDirectory(options), "files"));
        });
        return services;
    }

    /// <summary>
    /// Kept apart from <see cref="AddBulwarkBlobStore"/> so that the AWS SDK's assemblies are loaded only when S3
    /// is configured: a disk-only install never touches them.
    /// </summary>
    private static class S3Storage
    {
        public static void Add(IServiceCollection services, IConfiguration configuration)
        {
            services.AddValidatedOptions<S3StorageOptions>(S3StorageOptions.Section);
            services.AddSingleton<IValidateOptions<S3StorageOptions>, S3OptionsValidation>();
            services.AddSingleton<IBlobStore>(sp =>
            {
                var s3 = sp.GetRequiredService<IOptions<S3StorageOptions>>().Value;
                var data = DataServices.DataDirectory(sp.GetRequiredService<IOptions<BulwarkOptions>>().Value);
                // Credentials come from the SDK's standard chain unless the host registered its own (an embedding
                // application, or the tests' local S3 server).
                var client = S3Clients.Create(s3, sp.GetService<AWSCredentials>());
                return new S3BlobStore(client, s3, Path.Combine(data, "upload-temp"), sp.GetRequiredService<ILogger<S3BlobStore>>());
            });
        }
    }

    private sealed class S3OptionsValidation : IValidateOptions<S3StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, S3StorageOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
