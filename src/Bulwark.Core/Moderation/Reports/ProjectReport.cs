namespace Bulwark.Core.Moderation.Reports;

/// <summary>What a report says is wrong with a project or a release.</summary>
public enum ReportKind
{
    Malware = 0,
    Typosquat = 1,
    Spam = 2,
    DependencyConfusion = 3,
    Other = 4,
}

/// <summary>How an administrator closed a report.</summary>
public enum ReportVerdict
{
    /// <summary>Reviewed and found not to be malware; nothing was changed.</summary>
    NotMalware = 1,
    /// <summary>The project or the reported releases were quarantined.</summary>
    Quarantined = 2,
    /// <summary>The releases or the project were removed as malware (and the name prohibited).</summary>
    Removed = 3,
}

/// <summary>
/// One report about a project (or one of its releases), from a signed-in user on the project page or from a
/// trusted observer through the observation API. Open until an administrator gives a verdict; kept after
/// that, with the project's name copied, so the record survives the project's removal.
/// </summary>
public sealed class ProjectReport
{
    public long Id { get; set; }

    /// <summary>The project; null once the project was removed.</summary>
    public long? ProjectId { get; set; }

    /// <summary>The project's display name when the report was made.</summary>
    public required string ProjectName { get; set; }

    /// <summary>The release reported, or null for the whole project.</summary>
    public string? Version { get; set; }

    public long? ReporterUserId { get; set; }
    public ReportKind Kind { get; set; }
    public required string Summary { get; set; }
    public string? EvidenceUrl { get; set; }

    /// <summary>Made through the observation API by an account with the observer role.</summary>
    public bool FromObserver { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public ReportVerdict? Verdict { get; set; }
}

/// <summary>
/// What an automatic detector said about a project or a release, shown next to the reports in the review
/// queue. Written by the detectors; the queue only reads it.
/// </summary>
public sealed class ModerationFinding
{
    public long Id { get; set; }
    public long? ProjectId { get; set; }
    public required string ProjectName { get; set; }
    public string? Version { get; set; }
    public string? Filename { get; set; }

    /// <summary>Which detector (for example <c>scan</c> or <c>typosquat</c>).</summary>
    public required string Detector { get; set; }
    public required string Summary { get; set; }
    public double? Score { get; set; }

    /// <summary>The detector's own details as JSON, shown as is.</summary>
    public string? Details { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
