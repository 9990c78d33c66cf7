namespace Bulwark.Core.Packaging;

/// <summary>A name no one may register (removed malware, reserved names). Kept forever.</summary>
public sealed class ProhibitedProjectName
{
    public required string NormalizedName { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public long? CreatedByUserId { get; set; }
}
