using System.ComponentModel.DataAnnotations;

namespace Bulwark.Hosting;

public sealed class UploadOptions
{
    /// <summary>Largest accepted distribution file (Warehouse: 100 MiB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxFileSize { get; set; } = 100L * 1024 * 1024;

    /// <summary>Largest total size of one project's files (Warehouse: 10 GiB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxProjectSize { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>
    /// Accept sdists named before PEP 625 (<c>my-project-1.0.tar.gz</c>, written by setuptools older than 69)
    /// when their name and version match. Off by default, as on PyPI.
    /// </summary>
    public bool AcceptLegacySdistNames { get; set; }

    /// <summary>
    /// Trove classifiers accepted on top of the embedded list: ones published after the list was generated,
    /// or an organization's private ones. Configuration lists are appended to these defaults.
    /// </summary>
    public List<string> ExtraClassifiers { get; set; } =
    [
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Programming Language :: Python :: 3.14",
        "Programming Language :: Python :: 3.15",
        "Programming Language :: Python :: Free Threading",
        "License :: OSI Approved :: MIT No Attribution License (MIT-0)",
    ];
}
