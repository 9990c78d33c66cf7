using System.IO.Compression;
using System.IO.Hashing;
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

        var metadataEntry = entries.Single(e => e.Name == metadataPath);
        var bytes = ReadZipEntry(file, metadataEntry, limits);
        var buffer = new byte[64 * 1024];
        foreach (var entry in entries)
        {
            if (!ReferenceEquals(entry, metadataEntry))
            {
                VerifyZipMember(file, entry, buffer);
            }
        }

        return Finish(filename, metadataPath, bytes, members, licenseRoot);
    }

    /// <summary>
    /// PyPI's bomb rule (past 64 MiB of declared content, more than 50 bytes out per byte in is refused) and the
    /// absolute inflation cap that tar.gz files get too. Sizes come from the central directory, which the framing
    /// check has tied to the local headers; <see cref="VerifyZipMember"/> later holds every member to its size.
    /// </summary>
    private static void CheckZipBomb(List<ZipEntryInfo> entries, long compressedLength, ArchiveLimits limits) =>
        InflationGuardStream.Check(entries.Sum(e => (decimal)e.UncompressedSize), compressedLength, limits);

    private static void CheckZipMemberKind(ZipEntryInfo entry)
    {
        var display = PyRepr.Str(entry.Name);
        if (MemberPath.Problem(entry.Name) is { } problem)
        {
            throw new ArchiveRejectedException($"{Invalid} Member {display} {problem}");
        }

        // Extractors create a directory and drop its data, or write a file with a directory's name: content
        // only some clients would see (the same rule as for tar members).
        if (entry.IsDirectory && entry.UncompressedSize != 0)
        {
            throw new ArchiveRejectedException($"{Invalid} Directory member {display} has a size");
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

    /// <summary>
    /// Inflates one member without keeping it and holds it to its record: exactly the declared size and CRC-32.
    /// A member that inflates to more than it declares (a bomb hidden from the ratio rule), or whose bytes were
    /// changed, would unpack differently in each installer or fail only on the user's machine. The work is
    /// bounded: inflation stops one buffer past the declared size, and the declared sizes passed the bomb rule.
    /// </summary>
    private static void VerifyZipMember(Stream file, ZipEntryInfo entry, byte[] buffer)
    {
        // A stored member's two sizes are the same bytes; deflate cannot expand more than about 1032 to 1.
        if ((entry.Method == 0 && entry.CompressedSize != entry.UncompressedSize)
            || (entry.Method == 8 && entry.UncompressedSize / 1032 > entry.CompressedSize))
        {
            throw CorruptMember(entry, "its size does not match the archive's record");
        }

        file.Position = entry.DataOffset;
        var crc = new Crc32();
        long total = 0;
        try
        {
            using var raw = new BoundedReadStream(file, entry.CompressedSize);
            using var content = entry.Method == 8 ? new DeflateStream(raw, CompressionMode.Decompress) : (Stream)raw;
            int read;
            while ((read = content.Read(buffer)) > 0)
            {
                total += read;
                if (total > entry.UncompressedSize)
                {
                    throw CorruptMember(entry, "its size does not match the archive's record");
                }

                crc.Append(buffer.AsSpan(0, read));
            }
        }
        catch (InvalidDataException)
        {
            throw CorruptMember(entry, "invalid deflate data");
        }

        if (total != entry.UncompressedSize)
        {
            throw CorruptMember(entry, "its size does not match the archive's record");
        }

        if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
        {
            throw CorruptMember(entry, "CRC-32 mismatch");
        }
    }

    private static ArchiveRejectedException CorruptMember(ZipEntryInfo entry, string why) => new($"{Invalid} {entry.Name} is corrupt ({why})");

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
                throw CorruptMember(entry, "its size does not match the archive's record");
            }
        }
        catch (InvalidDataException)
        {
            throw CorruptMember(entry, "invalid deflate data");
        }

        if (Crc32.HashToUInt32(data) != entry.Crc32)
        {
            throw CorruptMember(entry, "CRC-32 mismatch");
        }

        return data;
    }
}
