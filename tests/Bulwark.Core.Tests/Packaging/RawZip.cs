using System.Buffers.Binary;
using System.Text;
using Bulwark.Core.Packaging.Archives;

namespace Bulwark.Core.Tests.Packaging;

/// <summary>A byte-level ZIP writer (stored entries only) for framing faults no real writer produces.</summary>
internal sealed class RawZip
{
    public sealed record Entry(byte[] Name, byte[] Data)
    {
        public ushort Flags { get; init; }
        public ushort Method { get; init; }
        public byte[] LocalExtra { get; init; } = [];
        public byte[] CentralComment { get; init; } = [];
        public bool InLocal { get; init; } = true;
        public bool InCentral { get; init; } = true;
        public uint? CentralCompressedSize { get; init; }
    }

    public List<Entry> Entries { get; } = [];
    public byte[] Prefix { get; init; } = [];
    public byte[] Suffix { get; init; } = [];

    public static RawZip FromMembers(IEnumerable<(string Name, byte[] Data)> members)
    {
        var zip = new RawZip();
        zip.Entries.AddRange(members.Select(m => new Entry(Encoding.UTF8.GetBytes(m.Name), m.Data)));
        return zip;
    }

    public byte[] Build()
    {
        var output = new MemoryStream();
        output.Write(Prefix);
        var offsets = new Dictionary<Entry, long>();
        foreach (var e in Entries.Where(e => e.InLocal))
        {
            offsets[e] = output.Position;
            var header = new byte[30];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), e.Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), e.Method);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(12), 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(14), Crc32.Compute(e.Data));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(18), (uint)e.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(22), (uint)e.Data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(26), (ushort)e.Name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)e.LocalExtra.Length);
            output.Write(header);
            output.Write(e.Name);
            output.Write(e.LocalExtra);
            output.Write(e.Data);
        }

        var centralStart = output.Position;
        var count = 0;
        foreach (var e in Entries.Where(e => e.InCentral))
        {
            count++;
            var header = new byte[46];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 0x0314);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), e.Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), e.Method);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(14), 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), Crc32.Compute(e.Data));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), e.CentralCompressedSize ?? (uint)e.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)e.Data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)e.Name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), (ushort)e.CentralComment.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(38), 0x81A4u << 16);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(42), (uint)offsets.GetValueOrDefault(e, 0));
            output.Write(header);
            output.Write(e.Name);
            output.Write(e.CentralComment);
        }

        var centralSize = output.Position - centralStart;
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)centralSize);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), (uint)centralStart);
        output.Write(end);
        output.Write(Suffix);
        return output.ToArray();
    }
}
