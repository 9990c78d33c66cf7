namespace Bulwark.Core.Packaging.Archives;

/// <summary>One member of a ZIP file as listed by its central directory (and confirmed by its local header).</summary>
internal sealed record ZipEntryInfo(
    string Name,
    ushort VersionMadeBy,
    ushort Flags,
    ushort Method,
    uint Crc32,
    long CompressedSize,
    long UncompressedSize,
    long LocalHeaderOffset,
    uint ExternalAttributes)
{
    /// <summary>Offset of the entry's data, known once its local header has been read.</summary>
    public long DataOffset { get; set; } = -1;

    public bool IsDirectory => Name.EndsWith('/');

    /// <summary>Bit 0 (traditional encryption) or bit 6 (strong encryption) of the general-purpose flags.</summary>
    public bool IsEncrypted => (Flags & 0x0041) != 0;

    /// <summary>The Unix file type from the external attributes, when the entry was made on Unix.</summary>
    public int UnixFileType => (VersionMadeBy >> 8) == 3 ? (int)((ExternalAttributes >> 16) & 0xF000) : 0;
}

/// <summary>A ZIP framing fault; the reason is phrased like PyPI's archive checks.</summary>
internal sealed class ZipFramingException(string reason) : Exception(reason);

/// <summary>The file has no end-of-central-directory record at its end: it is not a ZIP file at all.</summary>
internal sealed class NotAZipException() : Exception("File is not a zipfile");
