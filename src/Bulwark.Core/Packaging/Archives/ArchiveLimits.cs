namespace Bulwark.Core.Packaging.Archives;

/// <summary>Bounds applied while inspecting an uploaded distribution. Every limit exists to cap work or memory.</summary>
public sealed record ArchiveLimits
{
    private const long MiB = 1024 * 1024;

    /// <summary>The defaults: PyPI's compression-ratio rule plus Bulwark's own caps.</summary>
    public static ArchiveLimits Default { get; } = new();

    /// <summary>Most members (files, directories, links) an archive may list.</summary>
    public int MaxMembers { get; init; } = 100_000;

    /// <summary>Largest METADATA / PKG-INFO accepted, compressed or not; it is read into memory.</summary>
    public long MaxMetadataBytes { get; init; } = 10 * MiB;

    /// <summary>Uncompressed-to-compressed ratio above which an archive counts as a decompression bomb...</summary>
    public int CompressionRatioThreshold { get; init; } = 50;

    /// <summary>...once its uncompressed size passes this many bytes (PyPI: 64 MiB).</summary>
    public long CompressionRatioMinSize { get; init; } = 64 * MiB;

    /// <summary>Absolute cap on the bytes a tar.gz may inflate to (the whole stream is read to validate it).</summary>
    public long MaxUncompressedBytes { get; init; } = 8L * 1024 * MiB;

    /// <summary>Largest pax extended header or GNU long-name record; these are held in memory.</summary>
    public int MaxTarExtendedHeaderBytes { get; init; } = 1024 * 1024;
}
