using System.Buffers.Binary;
using System.Text;

namespace Bulwark.Core.Packaging.Archives;

/// <summary>
/// Reads a ZIP file the way central-directory readers (Python's zipfile, so pip) do: find the end record at
/// the end of the file, then read the directory it points to. <see cref="ZipFramingValidator"/> then checks
/// that a front-to-back reader of the local headers sees exactly the same members.
/// </summary>
internal static class ZipCentralDirectory
{
    internal const uint LocalHeaderSignature = 0x04034b50;
    internal const uint CentralHeaderSignature = 0x02014b50;
    internal const uint EndSignature = 0x06054b50;
    internal const uint End64Signature = 0x06064b50;
    internal const uint End64LocatorSignature = 0x07064b50;
    private const int EndRecordSize = 22;
    private const int MaxCommentSize = 0xFFFF;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Where the end records say the central directory is, and how big.</summary>
    internal sealed record EndRecord(long EndOffset, long? End64Offset, long Records, long DirectorySize, long DirectoryOffset);

    public static EndRecord ReadEndRecord(Stream file)
    {
        var length = file.Length;
        if (length < EndRecordSize)
        {
            throw new NotAZipException();
        }

        var tailLength = (int)Math.Min(length, EndRecordSize + MaxCommentSize);
        var tail = new byte[tailLength];
        file.Position = length - tailLength;
        file.ReadExactly(tail);

        // The last end signature is the one central-directory readers use. Requiring its comment to end exactly
        // at the end of the file leaves no room for bytes (or a second, decoy end record) after it.
        var p = tail.AsSpan(0, tailLength - EndRecordSize + 4).LastIndexOf("PK\x05\x06"u8);
        if (p < 0)
        {
            throw new NotAZipException();
        }

        var end = tail.AsSpan(p);
        var recordEnd = p + EndRecordSize + BinaryPrimitives.ReadUInt16LittleEndian(end[20..]);
        if (recordEnd < tailLength)
        {
            // Concatenated archives or smuggled bytes after the end record.
            throw new ZipFramingException("Trailing data");
        }

        if (recordEnd > tailLength)
        {
            throw new ZipFramingException("Malformed zip file");
        }

        var endOffset = length - tailLength + p;
        var disk = BinaryPrimitives.ReadUInt16LittleEndian(end[4..]);
        var cdDisk = BinaryPrimitives.ReadUInt16LittleEndian(end[6..]);
        var recordsOnDisk = BinaryPrimitives.ReadUInt16LittleEndian(end[8..]);
        long records = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);

        // Multi-disk archives are never legitimate distributions.
        if (disk != 0 || cdDisk != 0 || recordsOnDisk != records)
        {
            throw new ZipFramingException("Malformed zip file");
        }

        long? end64Offset = null;
        if (endOffset >= 20)
        {
            var locator = new byte[20];
            file.Position = endOffset - 20;
            file.ReadExactly(locator);
            if (BinaryPrimitives.ReadUInt32LittleEndian(locator) == End64LocatorSignature)
            {
                // An unsigned 64-bit offset: anything past the signed range cannot be a position in this file,
                // and converting it would overflow.
                var wide = BinaryPrimitives.ReadUInt64LittleEndian(locator.AsSpan(8));
                end64Offset = wide <= long.MaxValue ? (long)wide : throw new ZipFramingException("Malformed zip file");
                (records, cdSize, cdOffset) = ReadEnd64(file, end64Offset.Value, endOffset - 20);
            }
        }

        // Both values are at most the file's length once this holds, so no later arithmetic on them overflows:
        // compared as "offset == end - size", a huge size cannot wrap around to a plausible sum.
        var directoryEnd = end64Offset ?? endOffset;
        if (cdOffset < 0 || cdSize < 0 || cdSize > directoryEnd || cdOffset != directoryEnd - cdSize)
        {
            throw new ZipFramingException("Mismatched central directory offset");
        }

        return new EndRecord(endOffset, end64Offset, records, cdSize, cdOffset);
    }

    private static (long Records, long Size, long Offset) ReadEnd64(Stream file, long offset, long locatorOffset)
    {
        // The ZIP64 end record sits right before its locator; "offset + 56" could overflow for a hostile offset.
        if (offset < 0 || offset != locatorOffset - 56)
        {
            throw new ZipFramingException("Malformed zip file");
        }

        var record = new byte[56];
        file.Position = offset;
        file.ReadExactly(record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != End64Signature)
        {
            throw new ZipFramingException("Malformed zip file");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(4)) != 44)
        {
            throw new ZipFramingException("ZIP64 extensible data not allowed");
        }

        var onDisk = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(24));
        var total = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32));
        var size = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(40));
        var start = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(48));
        if (onDisk != total || total > int.MaxValue || size > long.MaxValue || start > long.MaxValue)
        {
            throw new ZipFramingException("Malformed zip file");
        }

        return ((long)total, (long)size, (long)start);
    }

    /// <summary>Reads every central directory record the end record announces.</summary>
    public static List<ZipEntryInfo> ReadEntries(Stream file, EndRecord end, ArchiveLimits limits)
    {
        if (end.Records > limits.MaxMembers)
        {
            throw new ArchiveRejectedException(
                $"Invalid distribution file. Archive has too many members ({end.Records}; the limit is {limits.MaxMembers}).");
        }

        // Every record takes at least 46 bytes: a count the directory cannot hold is refused before a list is
        // sized by it (Records is at most MaxMembers here, so the product cannot overflow).
        if (end.Records * 46 > end.DirectorySize)
        {
            throw new ZipFramingException("Mismatched central directory records");
        }

        var entries = new List<ZipEntryInfo>((int)end.Records);
        var names = new HashSet<string>(StringComparer.Ordinal);
        file.Position = end.DirectoryOffset;
        var reader = new BufferedStream(file, 64 * 1024);
        var header = new byte[46];
        long consumed = 0;
        for (var i = 0; i < end.Records; i++)
        {
            ReadExactly(reader, header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != CentralHeaderSignature)
            {
                throw new ZipFramingException("Mismatched central directory records");
            }

            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(30));
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(32));
            var nameBytes = new byte[nameLength];
            var extra = new byte[extraLength];
            ReadExactly(reader, nameBytes);
            ReadExactly(reader, extra);
            if (commentLength != 0)
            {
                throw new ZipFramingException("Comment in central directory");
            }

            consumed += 46 + nameLength + extraLength;
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
            var name = DecodeName(nameBytes, flags);
            if (!names.Add(name))
            {
                throw new ZipFramingException("Duplicate filename in central directory");
            }

            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(20));
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(24));
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(42));
            (uncompressed, compressed, localOffset) = ApplyZip64Extra(extra, uncompressed, compressed, localOffset);
            entries.Add(new ZipEntryInfo(
                name,
                BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4)),
                flags,
                BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(10)),
                BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(16)),
                compressed,
                uncompressed,
                localOffset,
                BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(38))));
        }

        if (consumed != end.DirectorySize)
        {
            throw new ZipFramingException("Mismatched central directory size");
        }

        return entries;
    }

    /// <summary>
    /// Decodes a member name. Names must be UTF-8 and printable; a non-ASCII name without the UTF-8 flag would be
    /// read as code page 437 by some tools and as UTF-8 by others, so it is refused.
    /// </summary>
    internal static string DecodeName(ReadOnlySpan<byte> bytes, ushort flags)
    {
        foreach (var b in bytes)
        {
            if (b < 0x20 || b == 0x7F)
            {
                throw new ZipFramingException("Invalid character in filename");
            }
        }

        var ascii = !bytes.ContainsAnyInRange((byte)0x80, (byte)0xFF);
        if (!ascii && (flags & 0x0800) == 0)
        {
            throw new ZipFramingException("Filename not unicode");
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ZipFramingException("Filename not unicode");
        }
    }

    /// <summary>Replaces 0xFFFFFFFF sizes and offsets with their ZIP64 extra values, in the order APPNOTE gives.</summary>
    internal static (long Uncompressed, long Compressed, long Offset) ApplyZip64Extra(
        ReadOnlySpan<byte> extra, long uncompressed, long compressed, long offset)
    {
        foreach (var (id, data) in ExtraFields(extra, "Invalid duplicate extra in central directory"))
        {
            if (id != 0x0001)
            {
                continue;
            }

            var position = 0;
            uncompressed = Next(data, uncompressed, ref position);
            compressed = Next(data, compressed, ref position);
            offset = Next(data, offset, ref position);
        }

        return (uncompressed, compressed, offset);

        static long Next(ReadOnlySpan<byte> data, long value, ref int position)
        {
            if (value != 0xFFFFFFFF)
            {
                return value;
            }

            if (position + 8 > data.Length)
            {
                throw new ZipFramingException("Malformed zip file");
            }

            var wide = BinaryPrimitives.ReadUInt64LittleEndian(data[position..]);
            position += 8;
            return wide > long.MaxValue ? throw new ZipFramingException("Malformed zip file") : (long)wide;
        }
    }

    /// <summary>Splits an extra field into (id, data) pairs, refusing truncation and security-relevant duplicates.</summary>
    internal static List<(ushort Id, byte[] Data)> ExtraFields(ReadOnlySpan<byte> extra, string duplicateMessage)
    {
        var fields = new List<(ushort, byte[])>();
        var seen = new HashSet<ushort>();
        while (extra.Length > 0)
        {
            if (extra.Length < 4)
            {
                throw new ZipFramingException("Malformed zip file");
            }

            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (size + 4 > extra.Length)
            {
                throw new ZipFramingException("Malformed zip file");
            }

            // Two ZIP64 or two Unicode-path extras: readers differ on which one wins.
            if (!seen.Add(id) && id is 0x0001 or 0x7075)
            {
                throw new ZipFramingException(duplicateMessage);
            }

            fields.Add((id, extra.Slice(4, size).ToArray()));
            extra = extra[(size + 4)..];
        }

        return fields;
    }

    internal static void ReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new ZipFramingException("Malformed zip file");
        }
    }
}
