using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Bulwark.Core.Packaging.Archives;

namespace Bulwark.Core.Tests.Packaging;

/// <summary>Builds distribution archives in memory, well-formed or deliberately hostile.</summary>
internal static class ArchiveFixtures
{
    public const string WheelName = "pkg-1.0-py3-none-any.whl";
    public const string DistInfo = "pkg-1.0.dist-info";

    public static string MetadataText(string name = "pkg", string version = "1.0", string extra = "") =>
        $"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: A package\n{(extra.Length > 0 ? extra + "\n" : "")}\nLong description.\n";

    /// <summary>A minimal valid wheel's members, in order; callers add, drop or replace members.</summary>
    public static List<(string Name, byte[] Data)> WheelMembers(string? metadata = null) =>
    [
        ("pkg/__init__.py", "VALUE = 1\n"u8.ToArray()),
        ($"{DistInfo}/METADATA", Encoding.UTF8.GetBytes(metadata ?? MetadataText())),
        ($"{DistInfo}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"u8.ToArray()),
        ($"{DistInfo}/RECORD", "pkg/__init__.py,,\n"u8.ToArray()),
    ];

    /// <summary>A ZIP made by the BCL's writer (deflate, Unix "version made by").</summary>
    public static byte[] Zip(IEnumerable<(string Name, byte[] Data)> members, Action<ZipArchiveEntry>? configure = null)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in members)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                configure?.Invoke(entry);
                using var stream = entry.Open();
                stream.Write(data);
            }
        }

        return buffer.ToArray();
    }

    public static byte[] Wheel() => Zip(WheelMembers());

    /// <summary>The refusal of a ZIP framing fault, as PyPI words it.</summary>
    public static string Framing(string reason) =>
        $"Invalid distribution file. ZIP archive not accepted: {reason}. See https://docs.pypi.org/archives for more information";

    /// <summary>The minimal wheel as stored entries, with <paramref name="extra"/> members after them.</summary>
    public static RawZip WheelWith(params RawZip.Entry[] extra)
    {
        var zip = RawZip.FromMembers(WheelMembers());
        zip.Entries.AddRange(extra);
        return zip;
    }

    public static RawZip.Entry Entry(string name, string data = "x") => new(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(data));

    public static InspectionResult InspectWheel(byte[] bytes, ArchiveLimits? limits = null, string filename = WheelName) =>
        DistributionInspector.Inspect(new MemoryStream(bytes), filename, Bulwark.Core.Packaging.PackageType.BdistWheel, limits);

    public static InspectionResult InspectSdist(byte[] bytes, string filename = "pkg-1.0.tar.gz", ArchiveLimits? limits = null) =>
        DistributionInspector.Inspect(new MemoryStream(bytes), filename, Bulwark.Core.Packaging.PackageType.Sdist, limits);

    /// <summary>Offsets of every record with the given 4-byte signature.</summary>
    public static List<int> FindSignatures(byte[] zip, uint signature)
    {
        var found = new List<int>();
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == signature)
            {
                found.Add(i);
            }
        }

        return found;
    }

    /// <summary>Writes a 16-bit field in every local header (at <paramref name="localOffset"/>) and central header.</summary>
    public static void PatchBoth(byte[] zip, int localOffset, int centralOffset, ushort value)
    {
        foreach (var at in FindSignatures(zip, 0x04034b50))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(at + localOffset), value);
        }

        foreach (var at in FindSignatures(zip, 0x02014b50))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(at + centralOffset), value);
        }
    }

    /// <summary>A source distribution as a gzip-compressed tar made by the BCL's writer.</summary>
    public static byte[] TarGz(IEnumerable<TarEntry> entries)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                tar.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    public static PaxTarEntry File(string name, byte[] data) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };

    public static PaxTarEntry File(string name, string text) => File(name, Encoding.UTF8.GetBytes(text));

    public static PaxTarEntry Dir(string name) => new(TarEntryType.Directory, name);

    /// <summary>A valid sdist's entries: top directory, PKG-INFO, setup.py.</summary>
    public static List<TarEntry> SdistEntries(string top = "pkg-1.0") =>
    [
        Dir(top),
        File($"{top}/PKG-INFO", MetadataText()),
        File($"{top}/setup.py", "from setuptools import setup\nsetup()\n"),
    ];

    public static byte[] Gzip(byte[] data)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    /// <summary>Uncompressed tar bytes from the BCL writer (to splice hand-made headers in).</summary>
    public static byte[] RawTar(IEnumerable<TarEntry> entries, bool endMarker = true)
    {
        var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                tar.WriteEntry(entry);
            }
        }

        var bytes = buffer.ToArray();
        return endMarker ? bytes : bytes[..^1024];
    }

    /// <summary>One hand-made tar header block (ustar magic), with a correct checksum unless told otherwise.</summary>
    public static byte[] TarHeader(string name, char type, long size, bool gnuMagic = false, Action<byte[]>? patch = null, bool fixChecksum = true)
    {
        var block = new byte[512];
        Encoding.UTF8.GetBytes(name).CopyTo(block, 0);
        Ascii(block, 100, "0000644");
        Ascii(block, 108, "0000000");
        Ascii(block, 116, "0000000");
        Ascii(block, 124, Convert.ToString(size, 8).PadLeft(11, '0'));
        Ascii(block, 136, "00000000000");
        block[156] = (byte)type;
        Ascii(block, 257, gnuMagic ? "ustar  " : "ustar\0" + "00");
        patch?.Invoke(block);
        if (fixChecksum)
        {
            SetTarChecksum(block);
        }

        return block;
    }

    public static void SetTarChecksum(byte[] block)
    {
        "        "u8.CopyTo(block.AsSpan(148));
        var sum = block.Sum(b => (long)b);
        Ascii(block, 148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
    }

    public static byte[] Padded(byte[] data) => [.. data, .. new byte[(512 - data.Length % 512) % 512]];

    public static byte[] PaxRecords(params (string Key, string Value)[] records)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in records)
        {
            var body = $" {key}={value}\n";
            var length = body.Length + 1;
            while ((length.ToString().Length + body.Length) != length)
            {
                length++;
            }

            text.Append(length).Append(body);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Ascii(byte[] block, int offset, string text) => Encoding.ASCII.GetBytes(text).CopyTo(block, offset);
}
