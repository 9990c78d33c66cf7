using System.IO.Compression;
using System.Text;
using Bulwark.Core.Packaging;
using Bulwark.Core.Packaging.Archives;
using static Bulwark.Core.Tests.Packaging.ArchiveFixtures;

namespace Bulwark.Core.Tests.Packaging;

public class WheelInspectionTests
{
    private const string Archives = "See https://docs.pypi.org/archives for more information";

    private static void AssertRejected(InspectionResult result, string expected)
    {
        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void A_valid_wheel_yields_its_metadata_bytes_and_parsed_metadata()
    {
        var result = InspectWheel(Wheel());

        Assert.True(result.IsValid, result.Error);
        Assert.Equal($"{DistInfo}/METADATA", result.MetadataPath);
        Assert.Equal(Encoding.UTF8.GetBytes(MetadataText()), result.MetadataBytes);
        Assert.Equal("pkg", result.Metadata.Name);
        Assert.Equal("1.0", result.Metadata.Version);
        Assert.Equal(4, result.MemberCount);
    }

    [Fact]
    public void A_wheel_can_be_inspected_from_a_file_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bulwark-{Guid.NewGuid():N}.whl");
        System.IO.File.WriteAllBytes(path, Wheel());
        try
        {
            var result = DistributionInspector.Inspect(path, WheelName, PackageType.BdistWheel);
            Assert.True(result.IsValid, result.Error);
            Assert.Equal("pkg", result.Metadata.Name);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void A_nested_archive_is_just_data()
    {
        var members = WheelMembers();
        members.Add(("pkg/data/bundle.zip", Zip([("../../escape.txt", "x"u8.ToArray())])));

        Assert.True(InspectWheel(Zip(members)).IsValid);
    }

    [Fact]
    public void Missing_metadata_is_refused_with_pypi_wording()
    {
        var members = WheelMembers().Where(m => !m.Name.EndsWith("METADATA")).ToList();

        AssertRejected(InspectWheel(Zip(members)),
            $"Wheel '{WheelName}' does not contain the required METADATA file: {DistInfo}/METADATA");
    }

    [Fact]
    public void Missing_record_is_refused_with_pypi_wording()
    {
        var members = WheelMembers().Where(m => !m.Name.EndsWith("RECORD")).ToList();

        AssertRejected(InspectWheel(Zip(members)),
            $"Wheel '{WheelName}' does not contain the required RECORD file: {DistInfo}/RECORD");
    }

    [Fact]
    public void A_dist_info_directory_for_another_project_is_refused()
    {
        var members = WheelMembers().Select(m => (m.Name.Replace(DistInfo, "other-1.0.dist-info"), m.Data)).ToList();

        AssertRejected(InspectWheel(Zip(members)), $"Invalid distribution file. WHEEL not found at {DistInfo}/WHEEL");
    }

    [Fact]
    public void Two_dist_info_directories_are_refused()
    {
        var members = WheelMembers();
        members.Add(("evil-2.0.dist-info/METADATA", "Metadata-Version: 2.1\n"u8.ToArray()));

        AssertRejected(InspectWheel(Zip(members)),
            "Invalid distribution file. Wheel contains multiple .dist-info directories: ['evil-2.0.dist-info', 'pkg-1.0.dist-info']");
    }

    [Fact]
    public void A_wheel_filename_without_name_and_version_is_refused()
    {
        AssertRejected(InspectWheel(Wheel(), filename: "pkg.whl"),
            "Invalid distribution file. Unable to parse name and version from wheel filename");
    }

    [Fact]
    public void The_extension_must_fit_the_file_type()
    {
        AssertRejected(InspectWheel(Wheel(), filename: "pkg-1.0.tar.gz"),
            "Invalid distribution file. The file name 'pkg-1.0.tar.gz' does not have an extension allowed for its file type (.whl).");
    }

    [Theory]
    [InlineData("../evil.py", "contains a '..' path segment")]
    [InlineData("pkg/../../evil.py", "contains a '..' path segment")]
    [InlineData("/etc/cron.d/evil", "is an absolute path")]
    [InlineData("pkg\\..\\..\\evil.py", "contains a backslash")]
    [InlineData("C:/Windows/evil.dll", "starts with a drive letter")]
    [InlineData("pkg/./evil.py", "contains a '.' path segment")]
    [InlineData("pkg//evil.py", "contains an empty path segment")]
    public void Unsafe_member_names_are_refused(string name, string reason)
    {
        var members = WheelMembers();
        members.Add((name, "x"u8.ToArray()));

        AssertRejected(InspectWheel(Zip(members)),
            $"Invalid distribution file. Member {Bulwark.Core.Packaging.Metadata.PyRepr.Str(name)} {reason}");
    }

    [Fact]
    public void A_symlink_entry_is_refused()
    {
        var bytes = Zip(WheelMembers(), e =>
        {
            if (e.FullName == "pkg/__init__.py")
            {
                e.ExternalAttributes = unchecked((int)(0xA1FFu << 16));
            }
        });

        AssertRejected(InspectWheel(bytes), "Invalid distribution file. Member 'pkg/__init__.py' is a symbolic link");
    }

    [Theory]
    [InlineData(0x2000u, "is a device file")]
    [InlineData(0x6000u, "is a device file")]
    [InlineData(0x1000u, "is a FIFO")]
    [InlineData(0xC000u, "is a socket")]
    public void Special_file_modes_are_refused(uint fileType, string reason)
    {
        var bytes = Zip(WheelMembers(), e =>
        {
            if (e.FullName == "pkg/__init__.py")
            {
                e.ExternalAttributes = unchecked((int)((fileType | 0x1A4u) << 16));
            }
        });

        AssertRejected(InspectWheel(bytes), $"Invalid distribution file. Member 'pkg/__init__.py' {reason}");
    }

    [Fact]
    public void A_non_seekable_stream_is_an_argument_error()
    {
        var stream = new System.IO.Compression.GZipStream(new MemoryStream(), CompressionMode.Decompress);

        Assert.Throws<ArgumentException>(() => DistributionInspector.Inspect(stream, WheelName, PackageType.BdistWheel));
    }

    [Fact]
    public void A_compression_method_other_than_stored_or_deflate_is_refused()
    {
        var bytes = Wheel();
        PatchBoth(bytes, localOffset: 8, centralOffset: 10, value: 12); // bzip2

        AssertRejected(InspectWheel(bytes), "Invalid distribution file. File does not use a supported compression type");
    }

    [Fact]
    public void Encrypted_entries_are_refused()
    {
        var bytes = Wheel();
        PatchBoth(bytes, localOffset: 6, centralOffset: 8, value: 1);

        AssertRejected(InspectWheel(bytes), $"Invalid distribution file. ZIP archive not accepted: Encrypted entries are not allowed. {Archives}");
    }

    [Fact]
    public void A_decompression_bomb_is_refused()
    {
        var members = WheelMembers();
        members.Add(("pkg/zeros.bin", new byte[3 * 1024 * 1024]));
        var limits = ArchiveLimits.Default with { CompressionRatioMinSize = 1024 * 1024 };

        AssertRejected(InspectWheel(Zip(members), limits), "Invalid distribution file. File exceeds compression ratio of 50");
    }

    [Fact]
    public void The_default_bomb_rule_is_pypis()
    {
        Assert.Equal(50, ArchiveLimits.Default.CompressionRatioThreshold);
        Assert.Equal(64L * 1024 * 1024, ArchiveLimits.Default.CompressionRatioMinSize);
        var members = WheelMembers();
        members.Add(("pkg/zeros.bin", new byte[3 * 1024 * 1024]));

        Assert.True(InspectWheel(Zip(members)).IsValid); // 3 MiB is below the 64 MiB floor.
    }

    [Fact]
    public void Duplicate_member_names_are_refused()
    {
        var members = WheelMembers();
        members.Add(("pkg/__init__.py", "EVIL = 1\n"u8.ToArray()));

        AssertRejected(InspectWheel(Zip(members)),
            $"Invalid distribution file. ZIP archive not accepted: Duplicate filename in central directory. {Archives}");
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_refused()
    {
        AssertRejected(InspectWheel(Encoding.ASCII.GetBytes(new string('x', 4096))), "Invalid distribution file. File is not a zipfile");
    }

    [Fact]
    public void Metadata_above_the_cap_is_refused()
    {
        var limits = ArchiveLimits.Default with { MaxMetadataBytes = 40 };

        AssertRejected(InspectWheel(Wheel(), limits), $"Invalid distribution file. {DistInfo}/METADATA is larger than the limit of 40 bytes");
    }

    [Fact]
    public void Too_many_members_are_refused()
    {
        var limits = ArchiveLimits.Default with { MaxMembers = 3 };

        AssertRejected(InspectWheel(Wheel(), limits), "Invalid distribution file. Archive has too many members (4; the limit is 3).");
    }

    [Fact]
    public void Unparseable_metadata_is_refused()
    {
        var bytes = Zip(WheelMembers(metadata: "Metadata-Version 2.1\n"));

        AssertRejected(InspectWheel(bytes),
            $"Invalid distribution file. {DistInfo}/METADATA is not valid core metadata: Metadata line 1 is not a valid header: 'Metadata-Version 2.1'.");
    }

    [Fact]
    public void A_license_file_named_in_metadata_must_be_in_the_wheel()
    {
        var bytes = Zip(WheelMembers(MetadataText(extra: "License-File: LICENSE")));

        AssertRejected(InspectWheel(bytes),
            $"License-File LICENSE does not exist in distribution file {WheelName} at {DistInfo}/licenses/LICENSE");
    }

    [Fact]
    public void A_license_file_present_under_licenses_is_accepted()
    {
        var members = WheelMembers(MetadataText(extra: "License-File: LICENSE"));
        members.Add(($"{DistInfo}/licenses/LICENSE", "MIT"u8.ToArray()));

        Assert.True(InspectWheel(Zip(members)).IsValid);
    }

    [Fact]
    public void A_zip_sdist_with_pkg_info_is_accepted()
    {
        var bytes = Zip([("pkg-1.0/PKG-INFO", Encoding.UTF8.GetBytes(MetadataText())), ("pkg-1.0/setup.py", "x"u8.ToArray())]);

        var result = InspectSdist(bytes, "pkg-1.0.zip");

        Assert.True(result.IsValid, result.Error);
        Assert.Equal("pkg-1.0/PKG-INFO", result.MetadataPath);
    }

    [Fact]
    public void A_zip_sdist_with_two_top_level_directories_is_refused()
    {
        var bytes = Zip([("pkg-1.0/PKG-INFO", Encoding.UTF8.GetBytes(MetadataText())), ("other/setup.py", "x"u8.ToArray())]);

        AssertRejected(InspectSdist(bytes, "pkg-1.0.zip"), "Invalid distribution file. Incorrect number of top-level directories in sdist");
    }

    [Fact]
    public void Corrupt_metadata_data_is_detected_by_its_crc()
    {
        var zip = RawZip.FromMembers(WheelMembers());
        var bytes = zip.Build();
        var at = Encoding.ASCII.GetString(bytes).IndexOf("Long description.", StringComparison.Ordinal);
        bytes[at] ^= 0x20;

        AssertRejected(InspectWheel(bytes), $"Invalid distribution file. {DistInfo}/METADATA is corrupt (CRC-32 mismatch)");
    }

    [Fact]
    public void A_stored_wheel_written_byte_by_byte_is_accepted()
    {
        var result = InspectWheel(RawZip.FromMembers(WheelMembers()).Build());

        Assert.True(result.IsValid, result.Error);
    }
}
