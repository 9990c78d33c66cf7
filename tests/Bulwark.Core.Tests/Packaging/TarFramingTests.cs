using System.Formats.Tar;
using static Bulwark.Core.Tests.Packaging.ArchiveFixtures;

namespace Bulwark.Core.Tests.Packaging;

/// <summary>Hand-made tar streams that readers are known to interpret differently.</summary>
public class TarFramingTests
{
    private static byte[] Members() => RawTar(SdistEntries(), endMarker: false);

    private static byte[] End() => new byte[1024];

    private static void AssertRejected(byte[] tar, string expected) => Assert.Equal(expected, InspectSdist(Gzip(tar)).Error);

    [Fact]
    public void Hand_made_headers_are_accepted_when_well_formed()
    {
        byte[] tar = [.. Members(), .. TarHeader("pkg-1.0/extra.py", '0', 3), .. Padded("x=1"u8.ToArray()), .. End()];

        Assert.True(InspectSdist(Gzip(tar)).IsValid);
    }

    [Fact]
    public void Content_after_the_end_marker_is_refused()
    {
        byte[] tar = [.. Members(), .. End(), .. TarHeader("pkg-1.0/hidden.py", '0', 3), .. Padded("x=1"u8.ToArray())];

        AssertRejected(tar, "Invalid distribution file. Data after the end of the tar archive");
    }

    [Fact]
    public void Zero_padding_after_the_end_marker_is_accepted()
    {
        byte[] tar = [.. Members(), .. End(), .. new byte[8192]];

        Assert.True(InspectSdist(Gzip(tar)).IsValid);
    }

    [Fact]
    public void A_header_with_a_bad_checksum_is_refused()
    {
        var members = Members();
        byte[] tar = [.. members, .. TarHeader("pkg-1.0/x.py", '0', 0, fixChecksum: false), .. End()];

        AssertRejected(tar, $"Invalid distribution file. Corrupt tar header at offset {members.Length}");
    }

    [Fact]
    public void A_global_header_that_renames_members_is_refused()
    {
        var records = PaxRecords(("path", "pkg-1.0/setup.py"));
        var members = Members();
        byte[] tar = [.. members, .. TarHeader("pax_global_header", 'g', records.Length), .. Padded(records), .. End()];

        AssertRejected(tar, $"Invalid distribution file. Global extended header at offset {members.Length} changes member names or sizes");
    }

    [Fact]
    public void A_harmless_global_header_is_accepted()
    {
        var entries = new List<TarEntry> { new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "abc123" }) };
        entries.AddRange(SdistEntries());

        Assert.True(InspectSdist(TarGz(entries)).IsValid);
    }

    [Fact]
    public void Two_extended_headers_for_one_member_are_refused()
    {
        var first = PaxRecords(("path", "pkg-1.0/a.py"));
        var second = PaxRecords(("path", "pkg-1.0/b.py"));
        var members = Members();
        var secondAt = members.Length + 512 + Padded(first).Length;
        byte[] tar =
        [
            .. members,
            .. TarHeader("x", 'x', first.Length), .. Padded(first),
            .. TarHeader("x", 'x', second.Length), .. Padded(second),
            .. TarHeader("pkg-1.0/c.py", '0', 0), .. End(),
        ];

        AssertRejected(tar, $"Invalid distribution file. Repeated extended header at offset {secondAt}");
    }

    [Fact]
    public void A_pax_path_and_a_gnu_long_name_for_one_member_are_refused()
    {
        var pax = PaxRecords(("path", "pkg-1.0/a.py"));
        var longName = "pkg-1.0/b.py\0"u8.ToArray();
        var members = Members();
        var memberAt = members.Length + 512 + Padded(pax).Length + 512 + Padded(longName).Length;
        byte[] tar =
        [
            .. members,
            .. TarHeader("x", 'x', pax.Length), .. Padded(pax),
            .. TarHeader("././@LongLink", 'L', longName.Length, gnuMagic: true), .. Padded(longName),
            .. TarHeader("pkg-1.0/c.py", '0', 0), .. End(),
        ];

        AssertRejected(tar, $"Invalid distribution file. Conflicting long names at offset {memberAt}");
    }

    [Fact]
    public void A_pax_path_renames_the_member()
    {
        var pax = PaxRecords(("path", "pkg-1.0/../../evil.py"));
        byte[] tar = [.. Members(), .. TarHeader("x", 'x', pax.Length), .. Padded(pax), .. TarHeader("pkg-1.0/ok.py", '0', 0), .. End()];

        AssertRejected(tar, "Invalid distribution file. Member 'pkg-1.0/../../evil.py' contains a '..' path segment");
    }

    [Fact]
    public void A_pax_size_is_honoured_when_skipping_data()
    {
        // The header says 0 bytes, the pax record says 600: a reader ignoring pax would parse the data as headers.
        var pax = PaxRecords(("size", "600"));
        var data = new byte[600];
        TarHeader("pkg-1.0/fake.py", '0', 0).CopyTo(data, 0);
        byte[] tar = [.. Members(), .. TarHeader("x", 'x', pax.Length), .. Padded(pax), .. TarHeader("pkg-1.0/blob.bin", '0', 0), .. Padded(data), .. End()];

        var result = InspectSdist(Gzip(tar));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(4, result.MemberCount);
    }

    [Fact]
    public void An_old_style_directory_marked_by_a_trailing_slash_is_a_directory()
    {
        byte[] tar = [.. Members(), .. TarHeader("pkg-1.0/docs/", '\0', 0), .. End()];

        var result = InspectSdist(Gzip(tar));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(4, result.MemberCount);
    }

    [Fact]
    public void A_regular_file_with_a_directory_name_is_refused()
    {
        byte[] tar = [.. Members(), .. TarHeader("pkg-1.0/docs/", '0', 0), .. End()];

        AssertRejected(tar, "Invalid distribution file. Member 'pkg-1.0/docs/' is a file with a directory name");
    }

    [Fact]
    public void A_gnu_long_link_does_not_hide_the_symlink_after_it()
    {
        var target = "/etc/passwd\0"u8.ToArray();
        byte[] tar =
        [
            .. Members(),
            .. TarHeader("././@LongLink", 'K', target.Length, gnuMagic: true), .. Padded(target),
            .. TarHeader("pkg-1.0/link", '2', 0, gnuMagic: true), .. End(),
        ];

        AssertRejected(tar, "Invalid distribution file. Member 'pkg-1.0/link' is a symbolic link");
    }

    [Fact]
    public void A_directory_with_data_is_refused()
    {
        byte[] tar = [.. Members(), .. TarHeader("pkg-1.0/dir/", '5', 512), .. new byte[512], .. End()];

        AssertRejected(tar, "Invalid distribution file. Directory member 'pkg-1.0/dir/' has a size");
    }

    [Fact]
    public void An_oversized_extended_header_is_refused_before_it_is_read()
    {
        var members = Members();
        byte[] tar = [.. members, .. TarHeader("x", 'x', 2 * 1024 * 1024), .. End()];

        AssertRejected(tar, $"Invalid distribution file. Extended header at offset {members.Length} is larger than 1048576 bytes");
    }

    [Fact]
    public void An_unsupported_member_type_is_refused()
    {
        byte[] tar = [.. Members(), .. TarHeader("pkg-1.0/volume", 'V', 0), .. End()];

        AssertRejected(tar, "Invalid distribution file. Member 'pkg-1.0/volume' has unsupported type 'V'");
    }

    [Fact]
    public void A_truncated_archive_is_refused()
    {
        byte[] tar = [.. Members(), .. TarHeader("pkg-1.0/big.bin", '0', 4096), .. new byte[100]];

        AssertRejected(tar, "Invalid distribution file. Truncated tar archive");
    }

    [Fact]
    public void A_member_name_that_is_not_utf8_is_refused()
    {
        byte[] tar = [.. Members(), .. TarHeader("pkg-1.0/x", '0', 0, patch: b => b[9] = 0xFF), .. End()];

        AssertRejected(tar, "Invalid distribution file. Member name is not valid UTF-8");
    }

    [Fact]
    public void Corrupt_gzip_data_is_refused()
    {
        var gz = Gzip([.. Members(), .. End()]);
        gz[^8] ^= 0xFF; // the gzip trailer's CRC-32

        Assert.Equal("Invalid distribution file. File is not a tarfile (corrupt gzip data)", InspectSdist(gz).Error);
    }
}
