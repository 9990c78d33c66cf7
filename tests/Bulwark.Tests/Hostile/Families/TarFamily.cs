using System.Buffers.Binary;
using System.Formats.Tar;
using System.Text;
using Bulwark.Core.Tests.Packaging;
using static Bulwark.Tests.Hostile.HostileArchives;
using Spec = Bulwark.Tests.Infrastructure.TestDistributions.Spec;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Source distributions whose tar stream escapes or lies: links, devices and FIFOs, absolute and <c>..</c>
/// paths (plain, pax and GNU long names), sizes of 2^63 - 1 with no data behind them, truncated members, pax
/// headers with absurd values, headers readers disagree on, and gzip or tar framing that is not what it claims.
/// </summary>
[HostileFamily]
public static class TarFamily
{
    private const string F = "tar";
    private const long Huge = long.MaxValue; // 2^63 - 1

    public static IEnumerable<HostileCase> Cases()
    {
        foreach (var c in MemberKinds()) yield return c;
        foreach (var c in Paths()) yield return c;
        foreach (var c in Sizes()) yield return c;
        foreach (var c in ExtendedHeaders()) yield return c;
        foreach (var c in Framing()) yield return c;
    }

    private static HostileCase Case(string name, Func<Spec, byte[]> build, string mentions) => Sdist(F, name, build, mentions);

    /// <summary>The sdist with one more hand-made member.</summary>
    private static HostileCase WithMember(string name, Func<Spec, byte[]> member, string mentions) => Case(name, s => SdistWith(s, member(s)), mentions);

    private static IEnumerable<HostileCase> MemberKinds()
    {
        yield return WithMember("symlink", s => TarMember($"{s.Prefix}/link", '2', patch: b => Ascii(b, 157, "/etc/passwd")), "symbolic link");
        yield return WithMember("symlink-to-parent", s => TarMember($"{s.Prefix}/up", '2', patch: b => Ascii(b, 157, "../../..")), "symbolic link");
        yield return Case("symlink-by-the-bcl-writer", s => ArchiveFixtures.TarGz(
            [.. TarEntries(s), new PaxTarEntry(TarEntryType.SymbolicLink, $"{s.Prefix}/etc") { LinkName = "/etc" }]), "symbolic link");
        yield return WithMember("hardlink", s => TarMember($"{s.Prefix}/hard", '1', patch: b => Ascii(b, 157, "/etc/shadow")), "hard link");
        yield return WithMember("character-device", s => TarMember($"{s.Prefix}/tty", '3'), "device file");
        yield return WithMember("block-device", s => TarMember($"{s.Prefix}/sda", '4'), "device file");
        yield return WithMember("fifo", s => TarMember($"{s.Prefix}/pipe", '6'), "FIFO");
        yield return WithMember("contiguous-file", s => TarMember($"{s.Prefix}/c", '7'), "unsupported type");
        yield return WithMember("volume-header", s => TarMember($"{s.Prefix}/v", 'V'), "unsupported type");
        yield return WithMember("gnu-sparse", s => TarMember($"{s.Prefix}/sparse", 'S'), "Sparse");
        yield return WithMember("pax-sparse", s => Pax($"{s.Prefix}/sparse.bin", ("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0")), "Sparse");
        yield return WithMember("gnu-long-link-then-symlink", s =>
        [
            .. TarMember("././@LongLink", 'K', "/etc/passwd\0"),
            .. TarMember($"{s.Prefix}/link", '2'),
        ], "symbolic link");
        yield return WithMember("directory-with-data", s => [.. ArchiveFixtures.TarHeader($"{s.Prefix}/dir/", '5', 512), .. new byte[512]], "has a size");
        yield return WithMember("file-with-a-directory-name", s => TarMember($"{s.Prefix}/docs/", '0'), "directory name");
        yield return WithMember("duplicate-member", s => TarMember($"{s.Prefix}/PKG-INFO", '0', "Metadata-Version: 2.1\nName: evil\nVersion: 6.6.6\n"), "Duplicate member name");
        yield return WithMember("duplicate-directory-and-file", s => [.. TarMember($"{s.Prefix}/x", '0'), .. TarMember($"{s.Prefix}/x/", '5')], "Duplicate member name");
    }

    private static IEnumerable<HostileCase> Paths()
    {
        yield return WithMember("absolute-path", _ => TarMember("/etc/cron.d/evil", '0', "* * * * * root id\n"), "absolute path");
        yield return WithMember("dot-dot-traversal", s => TarMember($"{s.Prefix}/../../../tmp/evil", '0'), "'..' path segment");
        yield return WithMember("dot-dot-at-the-start", _ => TarMember("../evil.py", '0'), "'..' path segment");
        yield return WithMember("dot-segment", s => TarMember($"{s.Prefix}/./x.py", '0'), "'.' path segment");
        yield return WithMember("empty-segment", s => TarMember($"{s.Prefix}//x.py", '0'), "empty path segment");
        yield return WithMember("backslash-traversal", s => TarMember($"{s.Prefix}\\..\\..\\evil.py", '0'), "backslash");
        yield return WithMember("drive-letter", _ => TarMember("C:/evil.py", '0'), "drive letter");
        yield return WithMember("control-character", s => TarMember($"{s.Prefix}/a\u001b[2Jb.py", '0'), "control character");
        yield return WithMember("not-utf8", s => TarMember($"{s.Prefix}/x", '0', patch: b => b[s.Prefix.Length + 1] = 0xFF), "not valid UTF-8");
        yield return WithMember("ustar-prefix-traversal", s => TarMember("evil.py", '0', patch: b => Ascii(b, 345, $"{s.Prefix}/../..")), "'..' path segment");
        yield return WithMember("pax-path-traversal", s => Pax($"{s.Prefix}/ok.py", ("path", $"{s.Prefix}/../../evil.py")), "'..' path segment");
        yield return WithMember("pax-path-absolute", s => Pax($"{s.Prefix}/ok.py", ("path", "/usr/lib/python3/dist-packages/evil.py")), "absolute path");
        yield return WithMember("gnu-long-name-traversal", s =>
        [
            .. TarMember("././@LongLink", 'L', $"{s.Prefix}/{new string('a', 120)}/../../../evil.py\0"),
            .. TarMember($"{s.Prefix}/short", '0'),
        ], "'..' path segment");
        yield return WithMember("second-top-level-directory", _ => TarMember("other-1.0/setup.py", '0'), "top-level directories");
        yield return Case("pkg-info-missing", s => ArchiveFixtures.Gzip(ArchiveFixtures.RawTar(
            TarEntries(s).Where(e => !e.Name.EndsWith("PKG-INFO", StringComparison.Ordinal)))), "PKG-INFO not found");
        yield return WithMember("empty-name", _ => TarMember("", '0'), "empty name");
    }

    private static IEnumerable<HostileCase> Sizes()
    {
        yield return WithMember("size-2-63-minus-1-without-data", s => ArchiveFixtures.TarHeader($"{s.Prefix}/huge.bin", '0', 0, patch: b => Base256(b, Huge)), "declares a size");
        yield return WithMember("size-2-63-minus-1-directory", s => ArchiveFixtures.TarHeader($"{s.Prefix}/dir/", '5', 0, patch: b => Base256(b, Huge)), "declares a size");
        yield return WithMember("size-above-the-inflation-cap", s => ArchiveFixtures.TarHeader($"{s.Prefix}/big.bin", '0', 0, patch: b => Base256(b, (8L << 30) + 1)), "declares a size");
        yield return WithMember("size-of-the-largest-octal-field", s => ArchiveFixtures.TarHeader($"{s.Prefix}/big.bin", '0', 0x1FFFFFFFF), "Truncated");
        yield return WithMember("base-256-size-overflowing-64-bits", s => ArchiveFixtures.TarHeader($"{s.Prefix}/big.bin", '0', 0, patch: b => { b[124] = 0x80; b.AsSpan(125, 11).Fill(0xFF); }), "Corrupt tar header");
        yield return WithMember("negative-base-256-size", s => ArchiveFixtures.TarHeader($"{s.Prefix}/neg.bin", '0', 0, patch: b => b.AsSpan(124, 12).Fill(0xFF)), "Corrupt tar header");
        yield return WithMember("size-not-octal", s => ArchiveFixtures.TarHeader($"{s.Prefix}/x.bin", '0', 0, patch: b => Ascii(b, 124, "0000000009x")), "Corrupt tar header");
        yield return Case("member-data-truncated", s => ArchiveFixtures.Gzip([.. SdistTar(s), .. ArchiveFixtures.TarHeader($"{s.Prefix}/big.bin", '0', 1 << 20), .. new byte[4096]]), "Truncated");
        yield return Case("member-data-missing-at-the-end", s => ArchiveFixtures.Gzip([.. SdistTar(s), .. ArchiveFixtures.TarHeader($"{s.Prefix}/big.bin", '0', 1000)]), "Truncated");
        yield return Case("pkg-info-truncated", s => ArchiveFixtures.Gzip([.. ArchiveFixtures.TarHeader($"{s.Prefix}/PKG-INFO", '0', 5000), .. new byte[512]]), "Truncated");
        yield return Case("header-cut-in-half", s => ArchiveFixtures.Gzip([.. SdistTar(s), .. ArchiveFixtures.TarHeader($"{s.Prefix}/x.py", '0', 0)[..256]]), "Truncated");
        yield return WithMember("pax-size-2-63-minus-1", s => Pax($"{s.Prefix}/huge.bin", ("size", Huge.ToString(System.Globalization.CultureInfo.InvariantCulture))), "declares a size");
        yield return WithMember("pax-size-overflowing-64-bits", s => Pax($"{s.Prefix}/huge.bin", ("size", "99999999999999999999999999")), "Malformed pax header");
        yield return WithMember("pax-size-negative", s => Pax($"{s.Prefix}/neg.bin", ("size", "-1")), "Malformed pax header");
        yield return WithMember("pax-size-hexadecimal", s => Pax($"{s.Prefix}/hex.bin", ("size", "0x10")), "Malformed pax header");
        yield return WithMember("pax-size-beyond-the-data", s => Pax($"{s.Prefix}/blob.bin", ("size", "4096")), "Truncated");
    }

    private static IEnumerable<HostileCase> ExtendedHeaders()
    {
        yield return WithMember("pax-record-length-absurd", s => RawPax(s, "99999999999999999999 path=x\n"), "Malformed pax header");
        yield return WithMember("pax-record-length-past-the-header", s => RawPax(s, "900 path=x\n"), "Malformed pax header");
        yield return WithMember("pax-record-length-zero", s => RawPax(s, "0 path=x\n"), "Malformed pax header");
        yield return WithMember("pax-record-without-equals", s => RawPax(s, "10 pathxx\n"), "Malformed pax header");
        yield return WithMember("pax-record-not-utf8", s => [.. ArchiveFixtures.TarHeader("pax", 'x', 12), .. ArchiveFixtures.Padded([.. "12 path="u8, 0xFF, 0xFE, 0xFD, (byte)'\n'])], "not valid UTF-8");
        yield return WithMember("pax-duplicate-key", s => Pax($"{s.Prefix}/a.py", ("path", $"{s.Prefix}/b.py"), ("path", $"{s.Prefix}/c.py")), "Malformed pax header");
        yield return WithMember("pax-header-over-1-mib", _ => ArchiveFixtures.TarHeader("pax", 'x', 2 << 20), "is larger than");
        yield return WithMember("pax-header-size-2-63-minus-1", _ => ArchiveFixtures.TarHeader("pax", 'x', 0, patch: b => Base256(b, Huge)), "is larger than");
        yield return WithMember("two-pax-headers-for-one-member", s => [.. Pax(null, ("path", $"{s.Prefix}/a.py")), .. Pax($"{s.Prefix}/c.py", ("path", $"{s.Prefix}/b.py"))], "Repeated extended header");
        yield return WithMember("pax-path-and-gnu-long-name", s =>
        [
            .. Pax(null, ("path", $"{s.Prefix}/a.py")),
            .. TarMember("././@LongLink", 'L', $"{s.Prefix}/b.py\0"),
            .. TarMember($"{s.Prefix}/c.py", '0'),
        ], "Conflicting long names");
        yield return WithMember("two-gnu-long-names", s =>
        [
            .. TarMember("././@LongLink", 'L', $"{s.Prefix}/a.py\0"),
            .. TarMember("././@LongLink", 'L', $"{s.Prefix}/b.py\0"),
            .. TarMember($"{s.Prefix}/c.py", '0'),
        ], "Repeated extended header");
        yield return WithMember("gnu-long-name-of-2-mib", _ => ArchiveFixtures.TarHeader("././@LongLink", 'L', 2 << 20), "is larger than");
        yield return WithMember("gnu-long-name-2-63-minus-1", _ => ArchiveFixtures.TarHeader("././@LongLink", 'L', 0, patch: b => Base256(b, Huge)), "is larger than");
        yield return Case("gnu-long-name-truncated", s => ArchiveFixtures.Gzip([.. SdistTar(s), .. ArchiveFixtures.TarHeader("././@LongLink", 'L', 4000), .. new byte[600]]), "Truncated");
        yield return Case("gnu-long-name-at-the-end", s => ArchiveFixtures.Gzip([.. SdistTar(s), .. TarMember("././@LongLink", 'L', $"{s.Prefix}/a.py\0")]), "Truncated");
        yield return WithMember("global-header-renaming-members", s => GlobalPax(("path", $"{s.Prefix}/setup.py")), "Global extended header");
        yield return WithMember("global-header-resizing-members", _ => GlobalPax(("size", "0")), "Global extended header");
        yield return WithMember("global-header-linkpath", _ => GlobalPax(("linkpath", "/etc/passwd")), "Global extended header");
    }

    private static IEnumerable<HostileCase> Framing()
    {
        yield return WithMember("bad-header-checksum", s => [.. ArchiveFixtures.TarHeader($"{s.Prefix}/x.py", '0', 0, fixChecksum: false)], "Corrupt tar header");
        yield return Case("data-after-the-end-marker", s => ArchiveFixtures.Gzip([.. SdistTar(s), .. new byte[1024], .. TarMember($"{s.Prefix}/hidden.py", '0', "evil")]), "Data after the end");
        yield return Case("plain-tar-not-gzip", s => [.. SdistTar(s), .. new byte[1024]], "not a gzip-compressed tarfile");
        yield return Case("gzip-of-garbage", _ => ArchiveFixtures.Gzip(Encoding.ASCII.GetBytes(new string('x', 5000))), "not a tarfile");
        yield return Case("gzip-of-nothing", _ => ArchiveFixtures.Gzip([]), "not a gzip-compressed tarfile");
        yield return Case("gzip-header-of-nothing", _ => [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0], "not a tarfile");
        yield return Case("gzip-of-only-zeros", _ => ArchiveFixtures.Gzip(new byte[10240]), "not a tarfile");
        yield return Case("gzip-crc-corrupted", s => { var gz = SdistWith(s); gz[^8] ^= 0xFF; return gz; }, "corrupt gzip data");
        yield return Case("gzip-cut-short", s => SdistWith(s)[..^40], "Invalid distribution file");
        yield return Case("gzip-magic-only", _ => [0x1F, 0x8B], "not a tarfile");
        yield return Case("empty-file", _ => [], "not a gzip-compressed tarfile");
        yield return Case("tar-gz-with-a-zip-appended", s => [.. SdistWith(s), .. WheelWith(s)], "both a ZIP and a tar");
        yield return Case("zip-named-tar-gz", s => WheelWith(s), "not a gzip-compressed tarfile");
    }

    private static IEnumerable<PaxTarEntry> TarEntries(Spec spec) =>
        Infrastructure.TestDistributions.SdistMembers(spec).Select(m => ArchiveFixtures.File(m.Name, m.Content));

    /// <summary>A pax extended header with <paramref name="records"/>, then (unless null) the member it describes.</summary>
    private static byte[] Pax(string? member, params (string Key, string Value)[] records)
    {
        var data = ArchiveFixtures.PaxRecords(records);
        byte[] header = [.. ArchiveFixtures.TarHeader("PaxHeader", 'x', data.Length), .. ArchiveFixtures.Padded(data)];
        return member is null ? header : [.. header, .. TarMember(member, '0')];
    }

    /// <summary>A pax header whose records are <paramref name="text"/> as given (malformed on purpose), then a member.</summary>
    private static byte[] RawPax(Spec spec, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        return [.. ArchiveFixtures.TarHeader("PaxHeader", 'x', data.Length), .. ArchiveFixtures.Padded(data), .. TarMember($"{spec.Prefix}/x.py", '0')];
    }

    private static byte[] GlobalPax(params (string Key, string Value)[] records)
    {
        var data = ArchiveFixtures.PaxRecords(records);
        return [.. ArchiveFixtures.TarHeader("pax_global_header", 'g', data.Length), .. ArchiveFixtures.Padded(data)];
    }

    /// <summary>GNU base-256: the size field's first byte 0x80, the value big-endian in the rest.</summary>
    private static void Base256(byte[] header, long value)
    {
        var field = header.AsSpan(124, 12);
        field.Clear();
        field[0] = 0x80;
        BinaryPrimitives.WriteInt64BigEndian(field[4..], value);
    }

    private static void Ascii(byte[] block, int offset, string text) => Encoding.ASCII.GetBytes(text).CopyTo(block, offset);
}
