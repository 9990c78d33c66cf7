namespace Bulwark.Core.Packaging.Metadata;

// Placeholder replaced by the full parser on merge.
public sealed class CoreMetadata
{
    public string MetadataVersion { get; init; } = "";
    public string Name { get; init; } = "";
    public string Version { get; init; } = "";
    public string? Summary { get; init; }
    public string? Description { get; init; }
    public string? DescriptionContentType { get; init; }
    public string? Keywords { get; init; }
    public string? HomePage { get; init; }
    public string? DownloadUrl { get; init; }
    public string? Author { get; init; }
    public string? AuthorEmail { get; init; }
    public string? Maintainer { get; init; }
    public string? MaintainerEmail { get; init; }
    public string? License { get; init; }
    public string? LicenseExpression { get; init; }
    public string? RequiresPython { get; init; }
    public IReadOnlyList<string> Classifiers { get; init; } = [];
    public IReadOnlyList<string> RequiresDist { get; init; } = [];
    public IReadOnlyList<string> RequiresExternal { get; init; } = [];
    public IReadOnlyList<string> ProjectUrls { get; init; } = [];
    public IReadOnlyList<string> ProvidesExtra { get; init; } = [];
    public IReadOnlyList<string> Dynamic { get; init; } = [];
    public IReadOnlyList<string> Platforms { get; init; } = [];
}
