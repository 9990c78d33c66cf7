using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Bulwark.Storage.S3;

/// <summary>Builds the S3 client from <see cref="S3StorageOptions"/>.</summary>
public static class S3Clients
{
    /// <param name="credentials">
    /// Null (the normal case): the SDK's standard chain — <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>,
    /// the shared profile (<c>AWS_PROFILE</c>), web identity, or the instance/task role. Bulwark keeps no keys of its own.
    /// </param>
    public static IAmazonS3 Create(S3StorageOptions options, AWSCredentials? credentials = null)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // The SDK's default adds CRC checksums as trailers of aws-chunked bodies, which several S3-compatible
            // servers do not accept; checksums go only where an operation requires one. Bulwark hashes every file
            // itself on upload, and pip checks the sha256 of every download.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region;
        }
        else if (!string.IsNullOrWhiteSpace(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }
}
