using System.Buffers.Binary;
using System.Text;
using Bulwark.Core.Tests.Packaging;
using static Bulwark.Tests.Hostile.HostileArchives;
using Spec = Bulwark.Tests.Infrastructure.TestDistributions.Spec;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Wheels whose ZIP structure lies: local headers and central directory that disagree, ZIP64 records with
/// impossible sizes, offsets and counts, overlapping or duplicated members, data before or after the archive,
/// end records that point elsewhere, encrypted or corrupt members. Each would let two installers see different
/// files, or make a reader seek or allocate what the attacker chose; each must be a 400 that says why.
/// </summary>
[HostileFamily]
public static class ZipFramingFamily
{
    private const string F = "zip-framing";
    private const ulong Huge = long.MaxValue; // 2^63 - 1

    public static IEnumerable<HostileCase> Cases()
    {
        foreach (var c in HeaderDisagreements()) yield return c;
        foreach (var c in Zip64Records()) yield return c;
        foreach (var c in EndRecords()) yield return c;
        foreach (var c in Members()) yield return c;
    }

    private static HostileCase Case(string name, Func<Spec, byte[]> build, string mentions) => Wheel(F, name, build, mentions);

    /// <summary>The wheel with its first member (the package's __init__.py) changed.</summary>
    private static byte[] WithFirst(Spec spec, Func<RawZip.Entry, RawZip.Entry> change)
    {
        var zip = new RawZip();
        zip.Entries.AddRange(WheelEntries(spec, (name, e) => name.EndsWith("__init__.py", StringComparison.Ordinal) ? change(e) : e));
        return zip.Build();
    }

    private static IEnumerable<HostileCase> HeaderDisagreements()
    {
        yield return Case("local-entry-missing-from-central-directory",
            s => WheelWith(s, Member($"{Package(s)}/hidden.py") with { InCentral = false }), "Filename not in central directory");
        yield return Case("central-entry-without-local-header",
            s => WheelWith(s, Member($"{Package(s)}/ghost.py") with { InLocal = false }), "Missing filename in local headers");
        yield return Case("shadow-local-entry-before-the-real-one", s =>
        {
            var zip = new RawZip();
            zip.Entries.AddRange(WheelEntries(s));
            zip.Entries.Insert(0, Member($"{Package(s)}/__init__.py", "import os; os.system('id')\n") with { InCentral = false });
            return zip.Build();
        }, "ZIP archive not accepted");
        yield return Case("shadow-local-entry-with-the-same-bytes", s =>
        {
            var zip = new RawZip();
            zip.Entries.AddRange(WheelEntries(s));
            zip.Entries.Insert(0, zip.Entries[0] with { InCentral = false });
            return zip.Build();
        }, "Mis-matched local header offset");
        yield return Case("compressed-size-differs", s => WithFirst(s, e => e with { CentralCompressedSize = (uint)e.Data.Length + 7 }), "Mis-matched data size");
        yield return Case("uncompressed-size-differs", s => WithFirst(s, e => e with { CentralUncompressedSize = (uint)e.Data.Length + 7 }), "Mis-matched file size");
        yield return Case("local-sizes-zero", s => WithFirst(s, e => e with { LocalCompressedSize = 0, LocalUncompressedSize = 0 }), "Mis-matched");
        yield return Case("method-differs", s => WithFirst(s, e => e with { CentralMethod = 8 }), "Mis-matched local header and central directory");
        yield return Case("flags-differ", s => WithFirst(s, e => e with { CentralFlags = 0x0800 }), "Mis-matched local header and central directory");
        yield return Case("crc-differs", s => WithFirst(s, e => e with { CentralCrc = 0xDEADBEEF }), "Mis-matched local header and central directory");
        yield return Case("name-differs", s => WithFirst(s, e => e with { CentralName = Encoding.UTF8.GetBytes($"{Package(s)}/__main__.py") }), "Filename not in central directory");
        yield return Case("name-differs-in-case", s => WithFirst(s, e => e with { CentralName = Encoding.UTF8.GetBytes($"{Package(s)}/__INIT__.py") }), "Filename not in central directory");
        yield return Case("data-descriptor-flag", s => WithFirst(s, e => e with { Flags = 0x0008 }), "data descriptor");
        yield return Case("data-descriptor-only-in-central-directory", s => WithFirst(s, e => e with { CentralFlags = 0x0008 }), "Mis-matched local header and central directory");
        yield return Case("data-descriptor-with-a-real-descriptor", s =>
        {
            var descriptor = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor, 0x08074b50);
            return WithFirst(s, e => e with { Flags = 0x0008, Payload = [.. e.Data, .. descriptor], CentralCompressedSize = (uint)e.Data.Length });
        }, "ZIP archive not accepted");
        yield return Case("overlapping-central-entries", s => WheelWith(s, Member($"{Package(s)}/twin.py") with { InLocal = false, CentralOffset = 0 }), "Missing filename in local headers");
        yield return Case("central-offset-into-member-data", s => WheelWith(s, Member($"{Package(s)}/inside.py") with { InLocal = false, CentralOffset = 40 }), "Missing filename in local headers");
        yield return Case("duplicate-names", s => WheelWith(s, Member($"{Package(s)}/__init__.py", "EVIL = 1\n")), "Duplicate filename");
        yield return Case("duplicate-names-local-only", s => WheelWith(s, Member($"{Package(s)}/__init__.py", "EVIL = 1\n") with { InCentral = false }), "ZIP archive not accepted");
        yield return Case("duplicate-metadata", s => WheelWith(s, Member($"{DistInfo(s)}/METADATA", "Metadata-Version: 2.1\nName: other\nVersion: 9\n")), "Duplicate filename");
        yield return Case("prepended-stub", s => new RawZip { Prefix = "MZ\x90\0 self-extracting stub"u8.ToArray() }.Build(s), "Unknown record signature");
        yield return Case("prepended-local-header-signature", s => new RawZip { Prefix = "PK\x03\x04"u8.ToArray() }.Build(s), "ZIP archive not accepted");
        yield return Case("prepended-zip", s => new RawZip { Prefix = new RawZip().Build(s) }.Build(s), "ZIP archive not accepted");
        yield return Case("appended-bytes", s => new RawZip { Suffix = "trailing"u8.ToArray() }.Build(s), "Trailing data");
        yield return Case("appended-zip", s => [.. WheelWith(s), .. WheelWith(s, Member($"{Package(s)}/evil.py"))], "ZIP archive not accepted");
        yield return Case("bytes-between-directory-and-end-record", s => new RawZip { BeforeEnd = new byte[16] }.Build(s), "Mismatched central directory offset");
        yield return Case("central-directory-comment", s => WithFirst(s, e => e with { CentralComment = "hidden"u8.ToArray() }), "Comment in central directory");
        yield return Case("local-extra-truncated", s => WithFirst(s, e => e with { LocalExtra = [0x99, 0x99, 0x10] }), "Malformed zip file");
        yield return Case("local-extra-overruns", s => WithFirst(s, e => e with { LocalExtra = [0x99, 0x99, 0xFF, 0x00, 1, 2] }), "Malformed zip file");
        yield return Case("central-extra-overruns", s => WithFirst(s, e => e with { CentralExtra = [0x99, 0x99, 0xFF, 0x00, 1, 2] }), "Malformed zip file");
        yield return Case("unicode-path-extra-disagrees", s => WithFirst(s, e => e with { LocalExtra = UnicodePath($"{Package(s)}/other.py") }), "Unicode path");
    }

    private static IEnumerable<HostileCase> Zip64Records()
    {
        yield return Case("zip64-locator-offset-2-64-minus-1", s => Zip64(s, locator: l => Write64(l, 8, ulong.MaxValue)), "Malformed zip file");
        yield return Case("zip64-locator-offset-2-63-minus-1", s => Zip64(s, locator: l => Write64(l, 8, Huge)), "Malformed zip file");
        yield return Case("zip64-locator-offset-past-the-end", s => Zip64(s, locator: l => Write64(l, 8, 1 << 30)), "Malformed zip file");
        yield return Case("zip64-locator-offset-zero", s => Zip64(s, locator: l => Write64(l, 8, 0)), "Malformed zip file");
        yield return Case("zip64-end-record-size-field", s => Zip64(s, end64: r => Write64(r, 4, 1000)), "ZIP64 extensible data not allowed");
        yield return Case("zip64-end-record-size-2-63-minus-1", s => Zip64(s, end64: r => Write64(r, 4, Huge)), "ZIP64 extensible data not allowed");
        yield return Case("zip64-record-count-2-63-minus-1", s => Zip64(s, end64: r => { Write64(r, 24, Huge); Write64(r, 32, Huge); }), "Malformed zip file");
        yield return Case("zip64-record-count-2-64-minus-1", s => Zip64(s, end64: r => { Write64(r, 24, ulong.MaxValue); Write64(r, 32, ulong.MaxValue); }), "Malformed zip file");
        yield return Case("zip64-record-count-beyond-the-directory", s => Zip64(s, end64: r => { Write64(r, 24, 90_000); Write64(r, 32, 90_000); }), "Mismatched central directory records");
        yield return Case("zip64-record-count-above-the-member-limit", s => Zip64(s, end64: r => { Write64(r, 24, 5_000_000); Write64(r, 32, 5_000_000); }), "too many members");
        yield return Case("zip64-records-on-disk-differ", s => Zip64(s, end64: r => Write64(r, 24, 1)), "Malformed zip file");
        yield return Case("zip64-directory-size-2-63-minus-1", s => Zip64(s, end64: r => Write64(r, 40, Huge)), "Mismatched central directory offset");
        yield return Case("zip64-directory-size-2-64-minus-1", s => Zip64(s, end64: r => Write64(r, 40, ulong.MaxValue)), "Malformed zip file");
        yield return Case("zip64-directory-offset-2-63-minus-1", s => Zip64(s, end64: r => Write64(r, 48, Huge)), "Mismatched central directory offset");
        yield return Case("zip64-directory-offset-2-64-minus-1", s => Zip64(s, end64: r => Write64(r, 48, ulong.MaxValue)), "Malformed zip file");
        yield return Case("zip64-directory-offset-past-the-end", s => Zip64(s, end64: r => Write64(r, 48, 1 << 30)), "Mismatched central directory offset");
        yield return Case("zip64-directory-size-and-offset-wrapping", s => Zip64(s, end64: r => { Write64(r, 40, Huge); Write64(r, 48, Huge); }), "Mismatched central directory offset");
        yield return Case("zip64-end-record-signature-wrong", s => Zip64(s, end64: r => r[0] ^= 0xFF), "ZIP archive not accepted");
        yield return Case("zip64-member-compressed-2-63-minus-1", s => WheelWith(s, Member($"{Package(s)}/big.bin") with { Zip64Compressed = Huge, Zip64Uncompressed = Huge }), "past the end of the file");
        yield return Case("zip64-member-compressed-2-64-minus-1", s => WheelWith(s, Member($"{Package(s)}/big.bin") with { Zip64Compressed = ulong.MaxValue, Zip64Uncompressed = 1 }), "Malformed zip file");
        yield return Case("zip64-member-compressed-past-the-end", s => WheelWith(s, Member($"{Package(s)}/big.bin") with { Zip64Compressed = 1UL << 40, Zip64Uncompressed = 1 }), "past the end of the file");
        yield return Case("zip64-member-uncompressed-2-63-minus-1", s => WheelWith(s, Member($"{Package(s)}/big.bin") with { Zip64Uncompressed = Huge }), "compression ratio");
        yield return Case("zip64-member-uncompressed-2-64-minus-1", s => WheelWith(s, Member($"{Package(s)}/big.bin") with { Zip64Uncompressed = ulong.MaxValue }), "Malformed zip file");
        yield return Case("zip64-member-offset-2-63-minus-1", s => WheelWith(s, Member($"{Package(s)}/far.bin") with { Zip64Offset = Huge }), "Mis-matched local header offset");
        yield return Case("zip64-member-offset-2-64-minus-1", s => WheelWith(s, Member($"{Package(s)}/far.bin") with { Zip64Offset = ulong.MaxValue }), "Malformed zip file");
        yield return Case("zip64-metadata-size-2-63-minus-1", s => WithMetadata(s, e => e with { Zip64Uncompressed = Huge }), "compression ratio");
        yield return Case("zip64-extra-missing", s => WheelWith(s, Member($"{Package(s)}/big.bin") with
        {
            LocalCompressedSize = 0xFFFFFFFF, LocalUncompressedSize = 0xFFFFFFFF, CentralCompressedSize = 0xFFFFFFFF, CentralUncompressedSize = 0xFFFFFFFF,
        }), "ZIP archive not accepted");
        yield return Case("zip64-extra-too-short", s => WheelWith(s, Member($"{Package(s)}/big.bin") with
        {
            LocalCompressedSize = 0xFFFFFFFF, LocalUncompressedSize = 0xFFFFFFFF, CentralCompressedSize = 0xFFFFFFFF, CentralUncompressedSize = 0xFFFFFFFF,
            LocalExtra = RawZip.Zip64Extra(1, null, null), CentralExtra = RawZip.Zip64Extra(1, null, null),
        }), "Malformed zip file");
        yield return Case("zip64-extra-odd-length", s => WithFirst(s, e => e with { LocalExtra = [0x01, 0x00, 0x0C, 0x00, .. new byte[12]] }), "Malformed zip file");
        yield return Case("zip64-extra-duplicated", s => WithFirst(s, e => e with { LocalExtra = [0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00] }), "Invalid duplicate extra");
        yield return Case("zip64-sizes-differ-between-headers", s => WheelWith(s, Member($"{Package(s)}/big.bin", "x") with
        {
            LocalCompressedSize = 0xFFFFFFFF, LocalUncompressedSize = 0xFFFFFFFF, CentralCompressedSize = 0xFFFFFFFF, CentralUncompressedSize = 0xFFFFFFFF,
            LocalExtra = RawZip.Zip64Extra(1, 1, null), CentralExtra = RawZip.Zip64Extra(1, 2, null),
        }), "Mis-matched data size");
    }

    private static IEnumerable<HostileCase> EndRecords()
    {
        yield return Case("end-record-missing", s => WheelWith(s)[..^22], "not a zipfile");
        yield return Case("truncated-in-the-middle", s => WheelWith(s)[..300], "not a zipfile");
        yield return Case("not-a-zip", _ => Encoding.ASCII.GetBytes(new string('x', 4096)), "not a zipfile");
        yield return Case("empty-archive", _ => new RawZip().Build(), "WHEEL not found");
        yield return Case("comment-length-past-the-end", s => new RawZip { PatchEnd = e => Write16(e, 20, 500) }.Build(s), "Malformed zip file");
        yield return Case("comment-longer-than-declared", s => new RawZip { Comment = "ten bytes!"u8.ToArray(), PatchEnd = e => Write16(e, 20, 5) }.Build(s), "Trailing data");
        yield return Case("comment-holding-a-decoy-end-record", s =>
        {
            var decoy = new byte[22];
            BinaryPrimitives.WriteUInt32LittleEndian(decoy, 0x06054b50);
            return new RawZip { Comment = decoy }.Build(s);
        }, "ZIP archive not accepted");
        yield return Case("two-end-records", s => new RawZip { Suffix = WheelWith(s)[^22..] }.Build(s), "ZIP archive not accepted");
        yield return Case("directory-offset-past-the-end", s => new RawZip { PatchEnd = e => Write32(e, 16, 0xFFFFFFF0) }.Build(s), "Mismatched central directory offset");
        yield return Case("directory-size-past-the-end", s => new RawZip { PatchEnd = e => Write32(e, 12, 0xFFFFFFF0) }.Build(s), "Mismatched central directory offset");
        yield return Case("directory-offset-zero", s => new RawZip { PatchEnd = e => Write32(e, 16, 0) }.Build(s), "Mismatched central directory offset");
        yield return Case("record-count-too-high", s => new RawZip { PatchEnd = e => { Write16(e, 8, 9); Write16(e, 10, 9); } }.Build(s), "Mismatched central directory records");
        yield return Case("record-count-too-low", s => new RawZip { PatchEnd = e => { Write16(e, 8, 2); Write16(e, 10, 2); } }.Build(s), "Mismatched central directory size");
        yield return Case("record-count-65535", s => new RawZip { PatchEnd = e => { Write16(e, 8, 0xFFFF); Write16(e, 10, 0xFFFF); } }.Build(s), "Mismatched central directory records");
        yield return Case("multi-disk-archive", s => new RawZip { PatchEnd = e => Write16(e, 4, 1) }.Build(s), "Malformed zip file");
        yield return Case("records-on-disk-differ", s => new RawZip { PatchEnd = e => Write16(e, 8, 1) }.Build(s), "Malformed zip file");
        yield return Case("zip-that-is-also-a-tar", Polyglot, "both a ZIP and a tar");
    }

    private static IEnumerable<HostileCase> Members()
    {
        yield return Case("encrypted-member", s => WithFirst(s, e => e with { Flags = 0x0001 }), "Encrypted");
        yield return Case("strong-encryption-member", s => WithFirst(s, e => e with { Flags = 0x0041 }), "Encrypted");
        yield return Case("encrypted-metadata", s => WithMetadata(s, e => e with { Flags = 0x0001 }), "Encrypted");
        yield return Case("bzip2-member", s => WithFirst(s, e => e with { Method = 12 }), "compression type");
        yield return Case("lzma-member", s => WithFirst(s, e => e with { Method = 14 }), "compression type");
        yield return Case("aes-member", s => WithFirst(s, e => e with { Method = 99 }), "compression type");
        yield return Case("bad-crc", s => WithFirst(s, e => e with { Crc = 0x12345678 }), "CRC-32 mismatch");
        yield return Case("bad-crc-of-metadata", s => WithMetadata(s, e => e with { Crc = 0x12345678 }), "CRC-32 mismatch");
        yield return Case("bad-crc-of-a-deflated-member", s => WithFirst(s, e => e with { Deflate = true, Crc = 0x12345678 }), "CRC-32 mismatch");
        yield return Case("invalid-deflate-data", s => WithFirst(s, e => e with { Method = 8, Payload = [0xFF, 0xFF, 0xFF, 0xFF] }), "invalid deflate data");
        yield return Case("deflate-stream-cut-short", s => WithFirst(s, e => e with { Method = 8, Payload = RawZip.Deflated(new byte[5000])[..4] }), "corrupt");
        yield return Case("stored-sizes-disagree-with-data", s => WithFirst(s, e => e with { LocalUncompressedSize = 3, CentralUncompressedSize = 3 }), "size does not match");
        yield return Case("deflated-member-larger-than-declared", s => WithFirst(s, e => e with { Deflate = true, Data = new byte[100_000], LocalUncompressedSize = 10, CentralUncompressedSize = 10 }), "size does not match");
        yield return Case("deflated-member-smaller-than-declared", s => WithFirst(s, e => e with { Deflate = true, LocalUncompressedSize = 5000, CentralUncompressedSize = 5000 }), "size does not match");
        yield return Case("symlink-member", s => WithFirst(s, e => e with { ExternalAttributes = 0xA1FFu << 16 }), "symbolic link");
        yield return Case("character-device-member", s => WithFirst(s, e => e with { ExternalAttributes = 0x21A4u << 16 }), "device file");
        yield return Case("block-device-member", s => WithFirst(s, e => e with { ExternalAttributes = 0x61A4u << 16 }), "device file");
        yield return Case("fifo-member", s => WithFirst(s, e => e with { ExternalAttributes = 0x11A4u << 16 }), "FIFO");
        yield return Case("socket-member", s => WithFirst(s, e => e with { ExternalAttributes = 0xC1A4u << 16 }), "socket");
        yield return Case("directory-member-with-data", s => WheelWith(s, Member($"{Package(s)}/data/", "hidden")), "has a size");
        yield return Case("dot-dot-member", s => WheelWith(s, Member($"{Package(s)}/../../../etc/cron.d/x")), "'..' path segment");
        yield return Case("absolute-member", s => WheelWith(s, Member("/etc/cron.d/x")), "absolute path");
        yield return Case("backslash-member", s => WheelWith(s, Member($"{Package(s)}\\..\\..\\x.py")), "backslash");
        yield return Case("drive-letter-member", s => WheelWith(s, Member("C:/Windows/x.py")), "drive letter");
        yield return Case("control-character-member", s => WheelWith(s, Member($"{Package(s)}/a\u0007.py")), "Invalid character in filename");
        yield return Case("empty-member-name", s => WheelWith(s, Member("")), "empty");
        yield return Case("non-utf8-name-without-flag", s => WheelWith(s, new RawZip.Entry([.. Encoding.ASCII.GetBytes(Package(s) + "/caf"), 0xE9, .. ".py"u8], "x"u8.ToArray())), "Filename not unicode");
        yield return Case("invalid-utf8-name-with-flag", s => WheelWith(s, new RawZip.Entry([.. Encoding.ASCII.GetBytes(Package(s) + "/"), 0xC0, 0xAF, .. ".py"u8], "x"u8.ToArray()) { Flags = 0x0800 }), "Filename not unicode");
        yield return Case("metadata-missing", s => Without(s, "/METADATA"), "METADATA");
        yield return Case("wheel-file-missing", s => Without(s, "/WHEEL"), "WHEEL not found");
        yield return Case("record-missing", s => Without(s, "/RECORD"), "RECORD");
        yield return Case("second-dist-info", s => WheelWith(s, Member($"other-9.0.dist-info/METADATA")), "multiple .dist-info");
        yield return Case("metadata-over-the-limit", s => WithMetadata(s, e => e with { Deflate = true, Data = new byte[11 * 1024 * 1024] }), "larger than the limit");
    }

    private static byte[] WithMetadata(Spec spec, Func<RawZip.Entry, RawZip.Entry> change)
    {
        var zip = new RawZip();
        zip.Entries.AddRange(WheelEntries(spec, (name, e) => name.EndsWith("/METADATA", StringComparison.Ordinal) ? change(e) : e));
        return zip.Build();
    }

    private static byte[] Without(Spec spec, string suffix)
    {
        var zip = new RawZip();
        zip.Entries.AddRange(WheelEntries(spec).Where(e => !Encoding.UTF8.GetString(e.Name).EndsWith(suffix, StringComparison.Ordinal)));
        return zip.Build();
    }

    private static byte[] Zip64(Spec spec, Action<byte[]>? end64 = null, Action<byte[]>? locator = null) =>
        new RawZip { Zip64 = true, PatchEnd64 = end64, PatchLocator = locator }.Build(spec);

    private static void Write16(byte[] record, int at, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(at), value);

    private static void Write32(byte[] record, int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(at), value);

    private static void Write64(byte[] record, int at, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(at), value);

    private static byte[] UnicodePath(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        var extra = new byte[9 + bytes.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x7075);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), (ushort)(5 + bytes.Length));
        extra[4] = 1;
        bytes.CopyTo(extra, 9);
        return extra;
    }

    /// <summary>
    /// A wheel whose first 512 bytes are also a valid tar header: a long first member name carries the tar
    /// checksum field (bytes 148-155), written into both copies of the name.
    /// </summary>
    private static byte[] Polyglot(Spec spec)
    {
        var longName = Package(spec) + "/" + new string('a', 596);
        var zip = new RawZip();
        zip.Entries.Add(Member(longName));
        var bytes = zip.Build(spec);
        var header = bytes[..512];
        ArchiveFixtures.SetTarChecksum(header);
        var field = Encoding.ASCII.GetBytes("0" + Encoding.ASCII.GetString(header, 148, 6) + " ");
        var centralCopy = Encoding.Latin1.GetString(bytes).LastIndexOf(longName, StringComparison.Ordinal) + (148 - 30);
        field.CopyTo(bytes, 148);
        field.CopyTo(bytes, centralCopy);
        return bytes;
    }
}
