using Bulwark.Core.Packaging;

namespace Bulwark.Core.Index;

/// <summary>A file as the legacy JSON API (<c>/pypi/&lt;project&gt;/json</c>) lists it.</summary>
public sealed record JsonFile(
    string Filename,
    PackageType PackageType,
    string PythonVersion,
    string? RequiresPython,
    long Size,
    string Md5,
    string Sha256,
    string Blake2b256,
    string BlobPath,
    string? MetadataSha256,
    DateTimeOffset UploadedAt);

/// <summary>A visible release with its files, as listed under <c>releases</c>.</summary>
public sealed record JsonRelease(
    long Id,
    string Version,
    string CanonicalVersion,
    bool IsPrerelease,
    bool Yanked,
    string? YankedReason,
    string? RequiresPython,
    IReadOnlyList<JsonFile> Files);

/// <summary>A user's role, for the <c>ownership</c> object.</summary>
public sealed record JsonRole(string Role, string User);

/// <summary>Everything one JSON API response is rendered from.</summary>
public sealed record ProjectJson(
    string Name,
    long LastSerial,
    bool Critical,
    Release Info,
    IReadOnlyList<JsonRelease> Releases,
    IReadOnlyList<JsonRole> Roles,
    bool AllReleases);
