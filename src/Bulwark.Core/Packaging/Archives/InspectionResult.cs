using System.Diagnostics.CodeAnalysis;
using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Packaging.Archives;

/// <summary>Outcome of <see cref="DistributionInspector.Inspect(string, string, PackageType, ArchiveLimits?)"/>.</summary>
public sealed record InspectionResult
{
    /// <summary>
    /// The refusal, worded as PyPI words it (most start with <c>Invalid distribution file.</c>); null on success.
    /// It is meant to be returned to the uploader as is.
    /// </summary>
    public string? Error { get; private init; }

    /// <summary>The METADATA (wheel) or PKG-INFO (sdist) bytes exactly as stored in the archive.</summary>
    public byte[]? MetadataBytes { get; private init; }

    /// <summary>The parsed <see cref="MetadataBytes"/>.</summary>
    public CoreMetadata? Metadata { get; private init; }

    /// <summary>Archive path of the metadata file, e.g. <c>pkg-1.0.dist-info/METADATA</c>.</summary>
    public string? MetadataPath { get; private init; }

    /// <summary>Number of members the archive lists.</summary>
    public int MemberCount { get; private init; }

    /// <summary>True when the file passed every check and its metadata was extracted.</summary>
    [MemberNotNullWhen(true, nameof(MetadataBytes), nameof(Metadata), nameof(MetadataPath))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;

    internal static InspectionResult Failure(string error) => new() { Error = error };

    internal static InspectionResult Success(string path, byte[] bytes, CoreMetadata metadata, int memberCount) =>
        new() { MetadataPath = path, MetadataBytes = bytes, Metadata = metadata, MemberCount = memberCount };
}
