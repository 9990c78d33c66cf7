namespace Bulwark.Core.Packaging;

/// <summary>A project (a PEP 503 name) and everything published under it.</summary>
public sealed class Project
{
    public long Id { get; set; }

    /// <summary>The name as first uploaded (display form).</summary>
    public required string Name { get; set; }

    /// <summary>PEP 503 normalized name; unique. All lookups go through this.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>
    /// <see cref="ProjectName.Ultranormalize"/> of the name, indexed so the "too similar" check on new
    /// names is one lookup.
    /// </summary>
    public string UltranormalizedName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Journal id of the last change to this project (PEP 691 <c>_last-serial</c>).</summary>
    public long LastSerial { get; set; }

    public ProjectLifecycle Lifecycle { get; set; } = ProjectLifecycle.Active;

    /// <summary>The reason given with <see cref="ProjectLifecycle.Deprecated"/> (PEP 792 <c>reason</c>); null otherwise.</summary>
    public string? StatusReason { get; set; }

    /// <summary>While quarantined: the status to return to when the quarantine is lifted (archived stays archived).</summary>
    public ProjectLifecycle? LifecycleBeforeQuarantine { get; set; }

    /// <summary>Sum of the sizes of all live files, for the per-project size limit.</summary>
    public long TotalSize { get; set; }

    /// <summary>Set when the project entered the critical cohort (never cleared automatically).</summary>
    public DateTimeOffset? CriticalSince { get; set; }

    /// <summary>
    /// When the critical-project rules start to apply: <see cref="CriticalSince"/> plus the grace period in force
    /// at that moment. Stored, not derived, because it is the date the maintainers were told.
    /// </summary>
    public DateTimeOffset? CriticalEnforceAfter { get; set; }

    /// <summary>When the maintainers were told the project became critical; null while that is still to do.</summary>
    public DateTimeOffset? CriticalNotifiedAt { get; set; }

    /// <summary>Owners opted into requiring WebAuthn/passkey sessions for management.</summary>
    public bool RequirePhishingResistant { get; set; }

    public List<Release> Releases { get; set; } = [];
    public List<ProjectRole> Roles { get; set; } = [];
}

public enum ProjectLifecycle
{
    Active = 0,
    /// <summary>Hidden from the index while a malware report is reviewed.</summary>
    Quarantined = 1,
    /// <summary>Its owners archived it: installable, no more uploads (PEP 792 <c>archived</c>).</summary>
    Archived = 2,
    /// <summary>Its owners deprecated it, perhaps with a reason: installable, uploads still allowed (PEP 792 <c>deprecated</c>).</summary>
    Deprecated = 3,
}

public enum ProjectRoleKind
{
    Owner = 0,
    Maintainer = 1,
}

/// <summary>A user's role on a project.</summary>
public sealed class ProjectRole
{
    public long ProjectId { get; set; }
    public Project Project { get; set; } = null!;
    public long UserId { get; set; }
    public Accounts.User User { get; set; } = null!;
    public ProjectRoleKind Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
