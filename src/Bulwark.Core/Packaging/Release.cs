namespace Bulwark.Core.Packaging;

/// <summary>One version of a project, with the core metadata of its first uploaded file.</summary>
public sealed class Release
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public Project Project { get; set; } = null!;

    /// <summary>The version as the uploader wrote it.</summary>
    public required string Version { get; set; }

    /// <summary>PEP 440 normalized form; unique per project.</summary>
    public required string CanonicalVersion { get; set; }

    public bool IsPrerelease { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public bool Yanked { get; set; }
    public string? YankedReason { get; set; }

    public ReleaseLifecycle Lifecycle { get; set; } = ReleaseLifecycle.Active;

    // Core metadata (from the distribution file, cross-checked against the form).
    public string MetadataVersion { get; set; } = "";
    public string? Summary { get; set; }
    public string? Description { get; set; }
    public string? DescriptionContentType { get; set; }
    public string? Keywords { get; set; }
    public string? HomePage { get; set; }
    public string? DownloadUrl { get; set; }
    public string? Author { get; set; }
    public string? AuthorEmail { get; set; }
    public string? Maintainer { get; set; }
    public string? MaintainerEmail { get; set; }
    public string? License { get; set; }
    public string? LicenseExpression { get; set; }
    public string? RequiresPython { get; set; }
    public string? Platform { get; set; }

    /// <summary>Multi-valued fields, stored as JSON arrays of strings.</summary>
    public List<string> Classifiers { get; set; } = [];
    public List<string> RequiresDist { get; set; } = [];
    public List<string> ProvidesExtra { get; set; } = [];
    public List<string> ProjectUrls { get; set; } = [];
    public List<string> RequiresExternal { get; set; } = [];
    public List<string> Dynamic { get; set; } = [];

    public long? UploaderId { get; set; }

    public List<ReleaseFile> Files { get; set; } = [];
}

public enum ReleaseLifecycle
{
    Active = 0,
    Quarantined = 1,
}
