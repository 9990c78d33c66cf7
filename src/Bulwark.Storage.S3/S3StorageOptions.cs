namespace Bulwark.Storage.S3;

/// <summary>How distribution files reach clients when they live in object storage.</summary>
public enum S3DownloadMode
{
    /// <summary>Bulwark reads the object and streams it to the client (the bucket can stay private to Bulwark).</summary>
    Proxy,
    /// <summary>Bulwark answers 302 with a short-lived presigned URL; clients fetch from the object store.</summary>
    Redirect,
}

/// <summary>The <c>Bulwark:Storage:S3</c> configuration section. Credentials come from the standard AWS sources.</summary>
public sealed class S3StorageOptions
{
    public const string Section = "Bulwark:Storage:S3";

    /// <summary>S3 uses 5 MiB as the smallest part of a multipart upload (all but the last part).</summary>
    public const long MinimumPartSize = 5L * 1024 * 1024;

    /// <summary>Endpoint of an S3-compatible service (MinIO, Ceph RGW, ...); empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    public string Bucket { get; set; } = "";

    /// <summary>AWS region, or the signing region of another service; empty: from the AWS environment (or us-east-1 with a ServiceUrl).</summary>
    public string? Region { get; set; }

    /// <summary>Key prefix under which every blob is stored, so one bucket can hold several indexes.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Path-style URLs (<c>host/bucket/key</c>) instead of virtual-host style; MinIO and most local setups need it.</summary>
    public bool ForcePathStyle { get; set; }

    public S3DownloadMode Downloads { get; set; } = S3DownloadMode.Proxy;

    /// <summary>How long a presigned download URL is valid in <see cref="S3DownloadMode.Redirect"/> mode.</summary>
    public TimeSpan RedirectLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Files of at least this size are sent as a multipart upload.</summary>
    public long MultipartThreshold { get; set; } = 16L * 1024 * 1024;

    /// <summary>Size of each part of a multipart upload (the last one may be smaller).</summary>
    public long PartSize { get; set; } = 16L * 1024 * 1024;

    /// <summary>The configuration problems, each naming its key; empty when the settings can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Bucket)) problems.Add($"{Section}:Bucket is required when Bulwark:Storage:Kind is S3.");
        if (!string.IsNullOrWhiteSpace(ServiceUrl)
            && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            problems.Add($"{Section}:ServiceUrl must be an absolute http or https URL.");
        }
        if (Prefix.Split('/').Any(segment => segment is "." or "..") || Prefix.Contains('\\'))
        {
            problems.Add($"{Section}:Prefix must be a plain key prefix such as 'bulwark/' (no '.' or '..' segments, no '\\').");
        }
        // SigV4 presigned URLs live at most seven days; a very short one breaks slow clients behind queues.
        if (RedirectLifetime < TimeSpan.FromMinutes(1) || RedirectLifetime > TimeSpan.FromDays(7))
        {
            problems.Add($"{Section}:RedirectLifetime must be between 00:01:00 and 7.00:00:00.");
        }
        if (PartSize < MinimumPartSize) problems.Add($"{Section}:PartSize must be at least {MinimumPartSize} bytes (5 MiB), the S3 minimum.");
        if (MultipartThreshold < 1) problems.Add($"{Section}:MultipartThreshold must be positive.");
        return problems;
    }

    /// <summary>The prefix as it goes in front of a blob path: empty, or ending in exactly one '/'.</summary>
    internal string NormalizedPrefix => Prefix.Trim().Trim('/') is { Length: > 0 } p ? p + "/" : "";
}
