using System.ComponentModel.DataAnnotations;

namespace Bulwark.Hosting;

public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>The <c>Bulwark</c> configuration section.</summary>
public sealed class BulwarkOptions
{
    public const string Section = "Bulwark";

    /// <summary>Where the SQLite database, blobs and mail pickup live. Created on first start.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>External base URL; null means the first listen URL with <c>localhost</c> as host.</summary>
    public string? PublicUrl { get; set; }

    public DatabaseKind Database { get; set; } = DatabaseKind.Sqlite;

    /// <summary>Proxies whose X-Forwarded-* headers are believed. Empty: none are.</summary>
    public List<string> KnownProxies { get; set; } = [];

    public UploadOptions Uploads { get; set; } = new();
}
