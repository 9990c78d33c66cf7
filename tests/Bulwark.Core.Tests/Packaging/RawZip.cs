using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Bulwark.Core.Tests.Packaging;

/// <summary>
/// A byte-level ZIP writer for framing faults no real writer produces: every header field can be set on its
/// own, in the local header, the central directory or both, and the end records can be patched. Shared by the
/// unit tests and the hostile corpus of the integration tests.
/// </summary>
internal sealed class RawZip
{
    public sealed record Entry(byte[] Name, byte[] Data)
    {
        public ushort Flags { get; init; }

        /// <summary>The method written in both headers; with <see cref="Deflate"/> it becomes 8.</summary>
        public ushort Method { get; init; }

        /// <summary>Writes <see cref="Data"/> deflated (method 8) instead of stored.</summary>
        public bool Deflate { get; init; }

        /// <summary>The bytes written as the member's data, when not <see cref="Data"/> (or its deflate).</summary>
        public byte[]? Payload { get; init; }

        /// <summary>The CRC-32 written in both headers, when not that of <see cref="Data"/>.</summary>
        public uint? Crc { get; init; }

        /// <summary>The CRC-32 written in the central directory only.</summary>
        public uint? CentralCrc { get; init; }

        public byte[] LocalExtra { get; init; } = [];
        public byte[] CentralExtra { get; init; } = [];
        public byte[] CentralComment { get; init; } = [];
        public bool InLocal { get; init; } = true;
        public bool InCentral { get; init; } = true;
        public uint? LocalCompressedSize { get; init; }
        public uint? LocalUncompressedSize { get; init; }
        public uint? CentralCompressedSize { get; init; }
        public uint? CentralUncompressedSize { get; init; }
        public ushort? CentralFlags { get; init; }
        public ushort? CentralMethod { get; init; }
        public byte[]? CentralName { get; init; }

        /// <summary>The local header offset the central directory records, when not the real one.</summary>
        public uint? CentralOffset { get; init; }

        /// <summary>ZIP64 values: the 32-bit field becomes 0xFFFFFFFF and the value goes into a ZIP64 extra.</summary>
        public ulong? Zip64Uncompressed { get; init; }
        public ulong? Zip64Compressed { get; init; }
        public ulong? Zip64Offset { get; init; }

        public ushort VersionMadeBy { get; init; } = 0x0314;
        public uint ExternalAttributes { get; init; } = 0x81A4u << 16;

        internal byte[] Written => Payload ?? (Deflate ? Deflated(Data) : Data);

        internal ushort WrittenMethod => Deflate ? (ushort)8 : Method;
    }

    public List<Entry> Entries { get; } = [];
    public byte[] Prefix { get; init; } = [];
    public byte[] Suffix { get; init; } = [];

    /// <summary>Bytes between the central directory and the end records.</summary>
    public byte[] BeforeEnd { get; init; } = [];

    /// <summary>The archive comment after the end record (its length is written in the record).</summary>
    public byte[] Comment { get; init; } = [];

    /// <summary>Writes a ZIP64 end record and locator, with the 32-bit end record fields saturated.</summary>
    public bool Zip64 { get; init; }

    /// <summary>Patches the 22-byte end record before it is written.</summary>
    public Action<byte[]>? PatchEnd { get; init; }

    /// <summary>Patches the 56-byte ZIP64 end record before it is written.</summary>
    public Action<byte[]>? PatchEnd64 { get; init; }

    /// <summary>Patches the 20-byte ZIP64 end locator before it is written.</summary>
    public Action<byte[]>? PatchLocator { get; init; }

    public static RawZip FromMembers(IEnumerable<(string Name, byte[] Data)> members)
    {
        var zip = new RawZip();
        zip.Entries.AddRange(members.Select(m => new Entry(Encoding.UTF8.GetBytes(m.Name), m.Data)));
        return zip;
    }

    public static byte[] Deflated(byte[] data)
    {
        var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return buffer.ToArray();
    }

    public static uint Crc32(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);

    public byte[] Build()
    {
        var output = new MemoryStream();
        output.Write(Prefix);
        var offsets = new Dictionary<Entry, long>(ReferenceEqualityComparer.Instance);
        foreach (var e in Entries.Where(e => e.InLocal))
        {
            offsets[e] = output.Position;
            var data = e.Written;
            var header = new byte[30];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), e.Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), e.WrittenMethod);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(12), 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(14), e.Crc ?? Crc32(e.Data));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(18), e.Zip64Compressed is null ? e.LocalCompressedSize ?? (uint)data.Length : 0xFFFFFFFF);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(22), e.Zip64Uncompressed is null ? e.LocalUncompressedSize ?? (uint)e.Data.Length : 0xFFFFFFFF);
            var extra = (byte[])[.. Zip64Extra(e.Zip64Uncompressed, e.Zip64Compressed, null), .. e.LocalExtra];
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(26), (ushort)e.Name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)extra.Length);
            output.Write(header);
            output.Write(e.Name);
            output.Write(extra);
            output.Write(data);
        }

        var centralStart = output.Position;
        var count = 0;
        foreach (var e in Entries.Where(e => e.InCentral))
        {
            count++;
            var name = e.CentralName ?? e.Name;
            var header = new byte[46];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), e.VersionMadeBy);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), e.CentralFlags ?? e.Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), e.CentralMethod ?? e.WrittenMethod);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(14), 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), e.CentralCrc ?? e.Crc ?? Crc32(e.Data));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), e.Zip64Compressed is null ? e.CentralCompressedSize ?? (uint)e.Written.Length : 0xFFFFFFFF);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), e.Zip64Uncompressed is null ? e.CentralUncompressedSize ?? (uint)e.Data.Length : 0xFFFFFFFF);
            var extra = (byte[])[.. Zip64Extra(e.Zip64Uncompressed, e.Zip64Compressed, e.Zip64Offset), .. e.CentralExtra];
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(30), (ushort)extra.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), (ushort)e.CentralComment.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(38), e.ExternalAttributes);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(42),
                e.Zip64Offset is null ? e.CentralOffset ?? (uint)offsets.GetValueOrDefault(e, 0) : 0xFFFFFFFF);
            output.Write(header);
            output.Write(name);
            output.Write(extra);
            output.Write(e.CentralComment);
        }

        var centralSize = output.Position - centralStart;
        output.Write(BeforeEnd);
        if (Zip64)
        {
            var end64Offset = output.Position;
            var end64 = new byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(end64, 0x06064b50);
            BinaryPrimitives.WriteUInt64LittleEndian(end64.AsSpan(4), 44);
            BinaryPrimitives.WriteUInt16LittleEndian(end64.AsSpan(12), 45);
            BinaryPrimitives.WriteUInt16LittleEndian(end64.AsSpan(14), 45);
            BinaryPrimitives.WriteUInt64LittleEndian(end64.AsSpan(24), (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(end64.AsSpan(32), (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(end64.AsSpan(40), (ulong)centralSize);
            BinaryPrimitives.WriteUInt64LittleEndian(end64.AsSpan(48), (ulong)centralStart);
            PatchEnd64?.Invoke(end64);
            output.Write(end64);

            var locator = new byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
            BinaryPrimitives.WriteUInt64LittleEndian(locator.AsSpan(8), (ulong)end64Offset);
            BinaryPrimitives.WriteUInt32LittleEndian(locator.AsSpan(16), 1);
            PatchLocator?.Invoke(locator);
            output.Write(locator);
        }

        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), Zip64 ? (ushort)0xFFFF : (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), Zip64 ? (ushort)0xFFFF : (ushort)count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), Zip64 ? 0xFFFFFFFF : (uint)centralSize);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), Zip64 ? 0xFFFFFFFF : (uint)centralStart);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(20), (ushort)Comment.Length);
        PatchEnd?.Invoke(end);
        output.Write(end);
        output.Write(Comment);
        output.Write(Suffix);
        return output.ToArray();
    }

    /// <summary>A ZIP64 extended-information extra field with the given values, in APPNOTE's order.</summary>
    public static byte[] Zip64Extra(ulong? uncompressed, ulong? compressed, ulong? offset)
    {
        ulong[] values = [.. new[] { uncompressed, compressed, offset }.Where(v => v is not null).Select(v => v!.Value)];
        if (values.Length == 0)
        {
            return [];
        }

        var extra = new byte[4 + 8 * values.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), (ushort)(8 * values.Length));
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(extra.AsSpan(4 + 8 * i), values[i]);
        }

        return extra;
    }
}
