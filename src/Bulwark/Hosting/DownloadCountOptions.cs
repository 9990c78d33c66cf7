using System.ComponentModel.DataAnnotations;

namespace Bulwark.Hosting;

/// <summary>The <c>Bulwark:Downloads</c> section: how download counts reach the database.</summary>
public sealed class DownloadCountOptions
{
    public const string Section = "Bulwark:Downloads";

    /// <summary>How often counted downloads are written; they are also written on shutdown.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);
}
