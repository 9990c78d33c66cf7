using System.IO.Compression;
using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Packaging.Archives;

public static partial class DistributionInspector
{
    private static InspectionResult InspectZip(Stream file, string filename, bool wheel, ArchiveLimits limits)
    {
        // A file that tar readers also accept could unpack differently depending on the tool (CVE-2026-3219).
        if (PolyglotDetector.LooksLikeTar(file))
        {
            throw new ArchiveRejectedException($"{Invalid} File is both a ZIP and a tar archive");
        }

        List<ZipEntryInfo> entries;
        try
        {
            var end = ZipCentralDirectory.ReadEndRecord(file);
            entries = ZipCentralDirectory.ReadEntries(file, end, limits);
            ZipFramingValidator.Validate(file, end, entries);
        }
        catch (NotAZipException)
        {
            throw new ArchiveRejectedException($"{Invalid} File is not a zipfile");
        }
        catch (ZipFramingException ex)
        {
            throw new ArchiveRejectedException($"{Invalid} ZIP archive not accepted: {ex.Message}. {ArchivesHelp}");
        }

        CheckZipBomb(entries, file.Length, limits);
        foreach (var entry in entries)
        {
            if (entry.Method is not (0 or 8))
            {
                throw new ArchiveRejectedException($"{Invalid} File does not use a supported compression type");
            }

            if (entry.IsEncrypted)
            {
                throw new ArchiveRejectedException($"{Invalid} ZIP archive not accepted: Encrypted entries are not allowed. {ArchivesHelp}");
            }

            CheckZipMemberKind(entry);
        }

        var members = entries.Select(e => new Member(e.Name, e.IsDirectory)).ToList();
        string metadataPath, licenseRoot;
        if (wheel)
        {
            var distInfo = CheckWheelLayout(members, filename);
            metadataPath = $"{distInfo}/METADATA";
            licenseRoot = $"{distInfo}/licenses";
        }
        else
        {
            metadataPath = CheckSdistLayout(members);
            licenseRoot = MemberPath.TopLevel(metadataPath);
        }

        var bytes = ReadZipEntry(file, entries.Single(e => e.Name == metadataPath), limits);
        return Finish(filename, metadataPath, bytes, members, licenseRoot);
    }

    /// <summary>
    /// PyPI's bomb rule: past 64 MiB of declared content, more than 50 bytes out per byte in is refused. Sizes
    /// come from the central directory, which the framing check has tied to the local headers.
    /// </summary>
    private static void CheckZipBomb(List<ZipEntryInfo> entries, long compressedLength, ArchiveLimits limits)
    {
        decimal total = entries.Sum(e => (decimal)e.UncompressedSize);
        if (total > limits.CompressionRatioMinSize && total / Math.Max(compressedLength, 1) > limits.CompressionRatioThreshold)
        {
            throw new ArchiveRejectedException($"{Invalid} File exceeds compression ratio of {limits.CompressionRatioThreshold}");
        }
    }

    private static void CheckZipMemberKind(ZipEntryInfo entry)
    {
        var display = PyRepr.Str(entry.Name);
        if (MemberPath.Problem(entry.Name) is { } problem)
        {
            throw new ArchiveRejectedException($"{Invalid} Member {display} {problem}");
        }

        // Unix mode bits in the external attributes: extractors such as pip's recreate symlinks from them.
        switch (entry.UnixFileType)
        {
            case 0xA000:
                throw new ArchiveRejectedException($"{Invalid} Member {display} is a symbolic link");
            case 0x2000 or 0x6000:
                throw new ArchiveRejectedException($"{Invalid} Member {display} is a device file");
            case 0x1000:
                throw new ArchiveRejectedException($"{Invalid} Member {display} is a FIFO");
            case 0xC000:
                throw new ArchiveRejectedException($"{Invalid} Member {display} is a socket");
        }
    }

    /// <summary>Reads one (small) member, bounded by the metadata cap, and verifies its size and CRC-32.</summary>
    private static byte[] ReadZipEntry(Stream file, ZipEntryInfo entry, ArchiveLimits limits)
    {
        if (entry.UncompressedSize > limits.MaxMetadataBytes || entry.CompressedSize > limits.MaxMetadataBytes + 65536)
        {
            throw new ArchiveRejectedException($"{Invalid} {entry.Name} is larger than the limit of {limits.MaxMetadataBytes} bytes");
        }

        file.Position = entry.DataOffset;
        var data = new byte[entry.UncompressedSize];
        try
        {
            using var raw = new BoundedReadStream(file, entry.CompressedSize);
            using var content = entry.Method == 8 ? new DeflateStream(raw, CompressionMode.Decompress) : (Stream)raw;
            var read = content.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            Span<byte> probe = stackalloc byte[1];
            if (read != data.Length || content.Read(probe) != 0)
            {
                throw new ArchiveRejectedException($"{Invalid} {entry.Name} is corrupt (its size does not match the archive's record)");
            }
        }
        catch (InvalidDataException)
        {
            throw new ArchiveRejectedException($"{Invalid} {entry.Name} is corrupt (invalid deflate data)");
        }

        if (Crc32.Compute(data) != entry.Crc32)
        {
            throw new ArchiveRejectedException($"{Invalid} {entry.Name} is corrupt (CRC-32 mismatch)");
        }

        return data;
    }
}
