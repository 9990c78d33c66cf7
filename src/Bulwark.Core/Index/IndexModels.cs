using Bulwark.Core.Packaging;

namespace Bulwark.Core.Index;

/// <summary>The columns of a project row that every read request needs: enough to 404, redirect, or validate a cached page.</summary>
public sealed record ProjectHead(long Id, string Name, string NormalizedName, long LastSerial, ProjectLifecycle Lifecycle)
{
    /// <summary>The PEP 792 marker of the lifecycle (the values are the same by construction).</summary>
    public ProjectStatus Status => Lifecycle switch
    {
        ProjectLifecycle.Quarantined => ProjectStatus.Quarantined,
        ProjectLifecycle.Archived => ProjectStatus.Archived,
        ProjectLifecycle.Deprecated => ProjectStatus.Deprecated,
        _ => ProjectStatus.Active,
    };
}

/// <summary>One distribution file as the simple API lists it, with the release fields it inherits.</summary>
public sealed record IndexFile(
    string Filename,
    string BlobPath,
    string Sha256,
    string? RequiresPython,
    long Size,
    DateTimeOffset UploadedAt,
    string? MetadataSha256,
    string Version,
    bool Yanked,
    string? YankedReason);

/// <summary>Everything a simple-API detail page shows, already sorted.</summary>
public sealed record SimpleDetail(
    string NormalizedName,
    long LastSerial,
    ProjectStatus Status,
    IReadOnlyList<string> Versions,
    IReadOnlyList<IndexFile> Files,
    string? StatusReason = null);

/// <summary>One row of the root listing.</summary>
public sealed record IndexEntry(string Name, string NormalizedName, long LastSerial);

/// <summary>The root listing and the serial it was read at.</summary>
public sealed record SimpleRoot(long LastSerial, IReadOnlyList<IndexEntry> Projects);
