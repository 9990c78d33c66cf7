namespace Bulwark.Core.Policies;

public enum CriticalOverrideKind
{
    /// <summary>The project is critical whatever its downloads; the name may not exist yet.</summary>
    AlwaysCritical = 1,
    /// <summary>An admin removed the project from the cohort; see <see cref="CriticalCohort.RemovalInForce"/>.</summary>
    Removed = 2,
}

/// <summary>
/// An admin decision about one project name. Keyed by the normalized name rather than the project id so a
/// name can be listed before anything is uploaded under it (an operator protecting names it depends on).
/// </summary>
public sealed class CriticalOverride
{
    public required string NormalizedName { get; set; }
    public CriticalOverrideKind Kind { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public long? CreatedByUserId { get; set; }
    public string? Reason { get; set; }
}
