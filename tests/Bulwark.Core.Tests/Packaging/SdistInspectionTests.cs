using System.Formats.Tar;
using Bulwark.Core.Packaging.Archives;
using static Bulwark.Core.Tests.Packaging.ArchiveFixtures;

namespace Bulwark.Core.Tests.Packaging;

public class SdistInspectionTests
{
    private static void AssertRejected(InspectionResult result, string expected)
    {
        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
    }

    private static byte[] WithExtra(params TarEntry[] extra) => TarGz([.. SdistEntries(), .. extra]);

    [Fact]
    public void A_valid_sdist_yields_pkg_info()
    {
        var result = InspectSdist(TarGz(SdistEntries()));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal("pkg-1.0/PKG-INFO", result.MetadataPath);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(MetadataText()), result.MetadataBytes);
        Assert.Equal("pkg", result.Metadata.Name);
        Assert.Equal(3, result.MemberCount);
    }

    [Fact]
    public void Gnu_long_names_are_followed()
    {
        var longPath = "pkg-1.0/" + string.Join('/', Enumerable.Repeat("deeply-nested-directory", 8)) + "/module.py";
        var entries = new List<TarEntry>
        {
            new GnuTarEntry(TarEntryType.Directory, "pkg-1.0"),
            new GnuTarEntry(TarEntryType.RegularFile, "pkg-1.0/PKG-INFO") { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(MetadataText())) },
            new GnuTarEntry(TarEntryType.RegularFile, longPath) { DataStream = new MemoryStream("x"u8.ToArray()) },
        };

        var result = InspectSdist(TarGz(entries));

        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Ustar_prefix_fields_are_joined_to_the_name()
    {
        var longPath = "pkg-1.0/" + new string('d', 90) + "/" + new string('m', 60) + ".py";
        var entries = new List<TarEntry>
        {
            new UstarTarEntry(TarEntryType.RegularFile, "pkg-1.0/PKG-INFO") { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(MetadataText())) },
            new UstarTarEntry(TarEntryType.RegularFile, longPath) { DataStream = new MemoryStream("x"u8.ToArray()) },
            new UstarTarEntry(TarEntryType.RegularFile, "elsewhere/x.py") { DataStream = new MemoryStream("x"u8.ToArray()) },
        };

        // The joined name is seen: a second top-level directory appears only through the last member.
        AssertRejected(InspectSdist(TarGz(entries)), "Invalid distribution file. Incorrect number of top-level directories in sdist");
        Assert.True(InspectSdist(TarGz(entries.Take(2))).IsValid);
    }

    [Theory]
    [InlineData("pkg-1.0/../../etc/passwd", "contains a '..' path segment")]
    [InlineData("/pkg-1.0/evil.py", "is an absolute path")]
    [InlineData("pkg-1.0/..\\..\\evil.py", "contains a backslash")]
    public void Unsafe_member_names_are_refused(string name, string reason)
    {
        AssertRejected(InspectSdist(WithExtra(File(name, "x"))),
            $"Invalid distribution file. Member {Bulwark.Core.Packaging.Metadata.PyRepr.Str(name)} {reason}");
    }

    [Fact]
    public void A_symlink_is_refused()
    {
        var link = new PaxTarEntry(TarEntryType.SymbolicLink, "pkg-1.0/link") { LinkName = "/etc/passwd" };

        AssertRejected(InspectSdist(WithExtra(link)), "Invalid distribution file. Member 'pkg-1.0/link' is a symbolic link");
    }

    [Fact]
    public void A_hard_link_is_refused()
    {
        var link = new PaxTarEntry(TarEntryType.HardLink, "pkg-1.0/copy.py") { LinkName = "pkg-1.0/setup.py" };

        AssertRejected(InspectSdist(WithExtra(link)), "Invalid distribution file. Member 'pkg-1.0/copy.py' is a hard link");
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice, "is a device file")]
    [InlineData(TarEntryType.BlockDevice, "is a device file")]
    [InlineData(TarEntryType.Fifo, "is a FIFO")]
    public void Special_files_are_refused(TarEntryType type, string reason)
    {
        AssertRejected(InspectSdist(WithExtra(new PaxTarEntry(type, "pkg-1.0/special"))),
            $"Invalid distribution file. Member 'pkg-1.0/special' {reason}");
    }

    private const string Sparse =
        "Invalid distribution file. tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information";

    [Fact]
    public void An_old_gnu_sparse_member_is_refused()
    {
        // Type 'S' with a one-chunk sparse map (offset 0, 512 bytes) and a real size of 1 MiB.
        var header = TarHeader("pkg-1.0/sparse.bin", 'S', 512, gnuMagic: true, patch: block =>
        {
            System.Text.Encoding.ASCII.GetBytes("00000000000").CopyTo(block, 386);
            System.Text.Encoding.ASCII.GetBytes("00000001000").CopyTo(block, 398);
            System.Text.Encoding.ASCII.GetBytes("00004000000").CopyTo(block, 483);
        });
        byte[] tar = [.. RawTar(SdistEntries(), endMarker: false), .. header, .. new byte[512], .. new byte[1024]];

        AssertRejected(InspectSdist(Gzip(tar)), Sparse);
    }

    [Fact]
    public void A_pax_sparse_member_is_refused()
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, "pkg-1.0/GNUSparseFile.0/data.bin", new Dictionary<string, string>
        {
            ["GNU.sparse.major"] = "1",
            ["GNU.sparse.minor"] = "0",
            ["GNU.sparse.name"] = "pkg-1.0/data.bin",
            ["GNU.sparse.realsize"] = "1048576",
        }) { DataStream = new MemoryStream(new byte[512]) };

        AssertRejected(InspectSdist(WithExtra(entry)), Sparse);
    }

    [Fact]
    public void Duplicate_member_names_are_refused()
    {
        AssertRejected(InspectSdist(WithExtra(File("pkg-1.0/setup.py", "evil"))),
            "Invalid distribution file. Duplicate member name 'pkg-1.0/setup.py'");
    }

    [Fact]
    public void Two_top_level_directories_are_refused()
    {
        AssertRejected(InspectSdist(WithExtra(File("other-1.0/setup.py", "x"))),
            "Invalid distribution file. Incorrect number of top-level directories in sdist");
    }

    [Fact]
    public void A_lone_file_at_the_root_is_refused()
    {
        AssertRejected(InspectSdist(TarGz([File("PKG-INFO", MetadataText())])),
            "Invalid distribution file. Incorrect number of top-level directories in sdist");
    }

    [Fact]
    public void Pkg_info_at_the_wrong_depth_is_refused()
    {
        AssertRejected(InspectSdist(TarGz([Dir("pkg-1.0"), File("pkg-1.0/src/PKG-INFO", MetadataText())])),
            "Invalid distribution file. PKG-INFO not found at pkg-1.0/PKG-INFO");
    }

    [Fact]
    public void A_decompression_bomb_is_refused_while_streaming()
    {
        var limits = ArchiveLimits.Default with { CompressionRatioMinSize = 1024 * 1024 };

        AssertRejected(InspectSdist(WithExtra(File("pkg-1.0/zeros.bin", new byte[4 * 1024 * 1024])), limits: limits),
            "Invalid distribution file. File exceeds compression ratio of 50");
    }

    [Fact]
    public void The_absolute_inflation_cap_applies()
    {
        var limits = ArchiveLimits.Default with { MaxUncompressedBytes = 4096 };

        AssertRejected(InspectSdist(WithExtra(File("pkg-1.0/data.bin", new byte[8192])), limits: limits),
            "Invalid distribution file. Uncompressed size exceeds the limit of 4096 bytes.");
    }

    [Fact]
    public void Too_many_members_are_refused()
    {
        AssertRejected(InspectSdist(TarGz(SdistEntries()), limits: ArchiveLimits.Default with { MaxMembers = 2 }),
            "Invalid distribution file. Archive has too many members (more than 2).");
    }

    [Fact]
    public void Pkg_info_above_the_cap_is_refused()
    {
        AssertRejected(InspectSdist(TarGz(SdistEntries()), limits: ArchiveLimits.Default with { MaxMetadataBytes = 10 }),
            "Invalid distribution file. pkg-1.0/PKG-INFO is larger than the limit of 10 bytes");
    }

    [Fact]
    public void A_license_file_named_in_pkg_info_must_be_present()
    {
        var entries = new List<TarEntry> { Dir("pkg-1.0"), File("pkg-1.0/PKG-INFO", MetadataText(extra: "License-File: COPYING")) };

        AssertRejected(InspectSdist(TarGz(entries)),
            "License-File COPYING does not exist in distribution file pkg-1.0.tar.gz at pkg-1.0/COPYING");
        entries.Add(File("pkg-1.0/COPYING", "GPL"));
        Assert.True(InspectSdist(TarGz(entries)).IsValid);
    }

    [Fact]
    public void A_zip_appended_to_a_tar_gz_is_refused()
    {
        byte[] polyglot = [.. TarGz(SdistEntries()), .. Zip([("pkg-1.0/PKG-INFO", "Metadata-Version: 2.1\n"u8.ToArray())])];

        AssertRejected(InspectSdist(polyglot), "Invalid distribution file. File is both a ZIP and a tar archive");
    }

    [Fact]
    public void A_zip_named_tar_gz_is_refused_as_not_gzip()
    {
        AssertRejected(InspectSdist(Wheel()), "Invalid distribution file. File is not a gzip-compressed tarfile");
    }

    [Fact]
    public void An_uncompressed_tar_named_tar_gz_is_refused()
    {
        AssertRejected(InspectSdist(RawTar(SdistEntries())), "Invalid distribution file. File is not a gzip-compressed tarfile");
    }

    [Fact]
    public void Gzip_data_that_is_not_a_tar_is_refused()
    {
        AssertRejected(InspectSdist(Gzip("just some text, not a tar archive"u8.ToArray())), "Invalid distribution file. File is not a tarfile");
    }
}
