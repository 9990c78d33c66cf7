using Bulwark.Core.Packaging;

namespace Bulwark.Core.Uploads;

/// <summary>What the checks before the file bytes established; the second phase works from it.</summary>
public sealed class UploadPlan
{
    public required UploadIdentity Identity { get; init; }
    public required UploadFields Fields { get; init; }
    public required string Name { get; init; }
    public required string NormalizedName { get; init; }
    public required Pep440Version Version { get; init; }
    public required PackageType PackageType { get; init; }
    public required string Filename { get; init; }
    /// <summary>Null when this upload creates the project.</summary>
    public long? ProjectId { get; init; }
    /// <summary>The most bytes this file may have: the per-file limit, or what is left of the project's.</summary>
    public required long MaxBytes { get; init; }
    public required bool ProjectLimitIsTighter { get; init; }
    /// <summary>Mandates in their grace period that will refuse this upload later; sent back with the answer.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
