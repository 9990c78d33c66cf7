namespace Bulwark.Core.Packaging;

public enum PackageType
{
    Sdist = 0,
    BdistWheel = 1,
}

/// <summary>One distribution file. Its bytes live in the blob store under <see cref="BlobPath"/>.</summary>
public sealed class ReleaseFile
{
    public long Id { get; set; }
    public long ReleaseId { get; set; }
    public Release Release { get; set; } = null!;

    /// <summary>Denormalised so that listings and download counts need no join.</summary>
    public long ProjectId { get; set; }

    public required string Filename { get; set; }
    public PackageType PackageType { get; set; }

    /// <summary>The form's <c>pyversion</c> ("source" for sdists, e.g. "py3" for wheels).</summary>
    public required string PythonVersion { get; set; }

    public string? RequiresPython { get; set; }
    public long Size { get; set; }
    public required string Md5Digest { get; set; }
    public required string Sha256Digest { get; set; }
    public required string Blake2b256Digest { get; set; }

    /// <summary>Content-addressed path: blake2b hex [0:2]/[2:4]/[4:]/filename.</summary>
    public required string BlobPath { get; set; }

    /// <summary>SHA-256 of the extracted METADATA served as <c>&lt;file&gt;.metadata</c> (PEP 658); null when none.</summary>
    public string? MetadataSha256Digest { get; set; }
    public string? MetadataBlake2b256Digest { get; set; }

    public DateTimeOffset UploadedAt { get; set; }
    public long? UploaderId { get; set; }
    /// <summary>The API token used for the upload, for the audit trail.</summary>
    public Guid? UploadedWithTokenId { get; set; }
}

/// <summary>
/// Every filename ever accepted. Rows are never deleted, so a name that once served some bytes can never
/// serve different bytes, even after the file is removed (Warehouse's file_registry).
/// </summary>
public sealed class FilenameRegistration
{
    public required string Filename { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
}
