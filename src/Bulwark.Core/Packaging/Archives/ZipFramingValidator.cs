using System.Buffers.Binary;
using System.Text;

namespace Bulwark.Core.Packaging.Archives;

/// <summary>
/// Walks a ZIP file front to back, record by record, the way streaming readers do, and checks that it sees the
/// same members as the central directory. Any disagreement (a hidden local entry, a size that differs, data
/// before the first record or after the end record) would let two installers unpack different files from one
/// upload, so it is refused. The reasons are worded like PyPI's ZIP checks.
/// </summary>
internal static class ZipFramingValidator
{
    public static void Validate(Stream file, ZipCentralDirectory.EndRecord end, List<ZipEntryInfo> entries)
    {
        var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var localNames = new HashSet<string>(StringComparer.Ordinal);
        var centralNames = new HashSet<string>(StringComparer.Ordinal);
        long? centralStart = null;
        long centralRecords = 0;
        long centralSize = 0;
        long? end64Seen = null;
        var locatorSeen = false;
        var length = file.Length;
        var buffer = new byte[46];

        file.Position = 0;
        var reader = new BufferedStream(file, 64 * 1024);
        long position = 0;
        while (true)
        {
            ZipCentralDirectory.ReadExactly(reader, buffer.AsSpan(0, 4));
            var recordStart = position;
            position += 4;
            switch (BinaryPrimitives.ReadUInt32LittleEndian(buffer))
            {
                case ZipCentralDirectory.LocalHeaderSignature:
                {
                    var name = ReadLocalHeader(reader, ref position, recordStart, byName, length);
                    if (!localNames.Add(name))
                    {
                        throw new ZipFramingException("Duplicate filename in local headers");
                    }

                    break;
                }

                case ZipCentralDirectory.CentralHeaderSignature:
                {
                    centralStart ??= recordStart;
                    centralRecords++;
                    ZipCentralDirectory.ReadExactly(reader, buffer.AsSpan(0, 42));
                    var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(24));
                    var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(26));
                    if (BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28)) != 0)
                    {
                        throw new ZipFramingException("Comment in central directory");
                    }

                    var nameBytes = new byte[nameLength];
                    ZipCentralDirectory.ReadExactly(reader, nameBytes);
                    position += 42 + nameLength;
                    Skip(reader, extraLength, ref position, length);
                    centralSize += 46 + nameLength + extraLength;
                    var name = ZipCentralDirectory.DecodeName(nameBytes, BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(4)));
                    if (!centralNames.Add(name))
                    {
                        throw new ZipFramingException("Duplicate filename in central directory");
                    }

                    if (!localNames.Contains(name))
                    {
                        throw new ZipFramingException("Missing filename in local headers");
                    }

                    break;
                }

                case ZipCentralDirectory.End64Signature:
                    end64Seen = recordStart;
                    Skip(reader, 52, ref position, length);
                    break;

                case ZipCentralDirectory.End64LocatorSignature:
                    if (end64Seen is null || end64Seen != end.End64Offset)
                    {
                        throw new ZipFramingException("Malformed zip file");
                    }

                    locatorSeen = true;
                    Skip(reader, 16, ref position, length);
                    break;

                case ZipCentralDirectory.EndSignature:
                    // Only one end record counts: the one central-directory readers found at the end of the file.
                    if (recordStart != end.EndOffset || (end64Seen is not null && !locatorSeen))
                    {
                        throw new ZipFramingException("Malformed zip file");
                    }

                    centralStart ??= end64Seen ?? recordStart;
                    if (centralRecords != end.Records)
                    {
                        throw new ZipFramingException("Mismatched central directory records");
                    }

                    if (centralStart != end.DirectoryOffset)
                    {
                        throw new ZipFramingException("Mismatched central directory offset");
                    }

                    if (centralSize != end.DirectorySize)
                    {
                        throw new ZipFramingException("Mismatched central directory size");
                    }

                    // ReadEndRecord already checked that the end record and its comment run exactly to the end.
                    if (!localNames.SetEquals(centralNames))
                    {
                        throw new ZipFramingException("Mis-matched local headers and central directory");
                    }

                    return;

                default:
                    // Prepended data (a self-extractor stub, a second archive) lands here too.
                    throw new ZipFramingException("Unknown record signature");
            }
        }
    }

    private static string ReadLocalHeader(
        Stream reader, ref long position, long recordStart, Dictionary<string, ZipEntryInfo> byName, long length)
    {
        Span<byte> header = stackalloc byte[26];
        ZipCentralDirectory.ReadExactly(reader, header);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
        var method = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[10..]);
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(header[14..]);
        long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(header[18..]);
        var nameBytes = new byte[BinaryPrimitives.ReadUInt16LittleEndian(header[22..])];
        var extra = new byte[BinaryPrimitives.ReadUInt16LittleEndian(header[24..])];
        ZipCentralDirectory.ReadExactly(reader, nameBytes);
        ZipCentralDirectory.ReadExactly(reader, extra);
        position += 26 + nameBytes.Length + extra.Length;

        var name = ZipCentralDirectory.DecodeName(nameBytes, flags);
        foreach (var (id, data) in ZipCentralDirectory.ExtraFields(extra, "Invalid duplicate extra in local file"))
        {
            if (id == 0x0001 && data.Length is not (0 or 8 or 16 or 24 or 28))
            {
                throw new ZipFramingException("Malformed zip file");
            }

            // The Info-ZIP Unicode Path extra overrides the name for some readers only: it must not disagree.
            if (id == 0x7075 && (data.Length < 5 || UnicodePathName(data.AsSpan(5)) != name))
            {
                throw new ZipFramingException("Mis-matched Unicode path extra field");
            }
        }

        (uncompressed, compressed, _) = ZipCentralDirectory.ApplyZip64Extra(extra, uncompressed, compressed, 0);

        // With a data descriptor the sizes live after the data, where only streaming readers look.
        if ((flags & 0x0008) != 0)
        {
            throw new ZipFramingException("ZIP contains a data descriptor");
        }

        if (!byName.TryGetValue(name, out var entry))
        {
            throw new ZipFramingException("Filename not in central directory");
        }

        if (entry.CompressedSize != compressed)
        {
            throw new ZipFramingException("Mis-matched data size");
        }

        if (entry.UncompressedSize != uncompressed)
        {
            throw new ZipFramingException("Mis-matched file size");
        }

        if (entry.Method != method || entry.Flags != flags || entry.Crc32 != crc)
        {
            throw new ZipFramingException("Mis-matched local header and central directory");
        }

        if (entry.LocalHeaderOffset != recordStart)
        {
            throw new ZipFramingException("Mis-matched local header offset");
        }

        entry.DataOffset = position;
        Skip(reader, compressed, ref position, length, "Member data runs past the end of the file");
        return name;
    }

    private static string UnicodePathName(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return ZipCentralDirectory.DecodeName(bytes, 0x0800);
        }
        catch (ZipFramingException)
        {
            throw new ZipFramingException("Filename not valid UTF-8");
        }
    }

    /// <summary>
    /// Moves past <paramref name="count"/> bytes that must lie inside the file. Compared as
    /// "count &gt; length - position" because a hostile count (a ZIP64 size of 2^63 - 1) would overflow the sum
    /// and turn into a seek far outside the file.
    /// </summary>
    private static void Skip(Stream reader, long count, ref long position, long length, string reason = "Malformed zip file")
    {
        if (count < 0 || count > length - position)
        {
            throw new ZipFramingException(reason);
        }

        reader.Seek(count, SeekOrigin.Current);
        position += count;
    }
}
