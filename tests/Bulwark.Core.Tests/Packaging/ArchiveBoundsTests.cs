using System.Buffers.Binary;
using System.Text;
using Bulwark.Core.Packaging.Archives;
using static Bulwark.Core.Tests.Packaging.ArchiveFixtures;

namespace Bulwark.Core.Tests.Packaging;

/// <summary>
/// Sizes, offsets and counts an archive declares that cannot be true: each must be refused with a message, never
/// followed (a seek or allocation sized by the attacker) and never allowed to overflow into an accept or a crash.
/// </summary>
public class ArchiveBoundsTests
{
    private const long Huge = long.MaxValue; // 2^63 - 1

    private static void AssertRejected(InspectionResult result, string expected)
    {
        Assert.False(result.IsValid, "the archive was accepted");
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void A_zip64_locator_pointing_above_the_signed_range_is_refused()
    {
        var zip = new RawZip { Zip64 = true, PatchLocator = l => BinaryPrimitives.WriteUInt64LittleEndian(l.AsSpan(8), ulong.MaxValue) };
        zip.Entries.AddRange(WheelWith().Entries);

        AssertRejected(InspectWheel(zip.Build()), Framing("Malformed zip file"));
    }

    [Fact]
    public void A_zip64_member_claiming_2_63_minus_1_bytes_is_refused()
    {
        var big = Entry("pkg/big.bin") with { Zip64Compressed = Huge, Zip64Uncompressed = Huge };

        AssertRejected(InspectWheel(WheelWith(big).Build()), Framing("Member data runs past the end of the file"));
    }

    [Fact]
    public void A_zip64_member_whose_data_would_end_just_past_the_file_is_refused()
    {
        var big = Entry("pkg/big.bin") with { Zip64Compressed = 1L << 40, Zip64Uncompressed = 1 };

        AssertRejected(InspectWheel(WheelWith(big).Build()), Framing("Member data runs past the end of the file"));
    }

    [Fact]
    public void A_record_count_the_directory_cannot_hold_is_refused()
    {
        var zip = new RawZip { Zip64 = true, PatchEnd64 = r => { BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(24), 90_000); BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(32), 90_000); } };
        zip.Entries.AddRange(WheelWith().Entries);

        AssertRejected(InspectWheel(zip.Build()), Framing("Mismatched central directory records"));
    }

    [Fact]
    public void A_member_whose_data_does_not_match_its_crc_is_refused()
    {
        var bytes = WheelWith().Build();
        var at = Encoding.ASCII.GetString(bytes).IndexOf("VALUE = 1", StringComparison.Ordinal);
        bytes[at] ^= 0x20;

        AssertRejected(InspectWheel(bytes), "Invalid distribution file. pkg/__init__.py is corrupt (CRC-32 mismatch)");
    }

    [Fact]
    public void A_deflated_member_that_inflates_past_its_declared_size_is_refused()
    {
        var liar = new RawZip.Entry("pkg/liar.bin"u8.ToArray(), new byte[1 << 20]) { Deflate = true, LocalUncompressedSize = 10, CentralUncompressedSize = 10 };

        AssertRejected(InspectWheel(WheelWith(liar).Build()), "Invalid distribution file. pkg/liar.bin is corrupt (its size does not match the archive's record)");
    }

    [Fact]
    public void A_stored_member_whose_two_sizes_differ_is_refused()
    {
        var stored = Entry("pkg/a.py") with { LocalUncompressedSize = 5, CentralUncompressedSize = 5 };

        AssertRejected(InspectWheel(WheelWith(stored).Build()), "Invalid distribution file. pkg/a.py is corrupt (its size does not match the archive's record)");
    }

    [Fact]
    public void Invalid_deflate_data_in_any_member_is_refused()
    {
        var broken = Entry("pkg/a.py") with { Method = 8, Payload = [0xFF, 0xFF, 0xFF, 0xFF] };

        AssertRejected(InspectWheel(WheelWith(broken).Build()), "Invalid distribution file. pkg/a.py is corrupt (invalid deflate data)");
    }

    [Fact]
    public void A_zip_directory_entry_with_data_is_refused()
    {
        AssertRejected(InspectWheel(WheelWith(Entry("pkg/dir/", "hidden")).Build()), "Invalid distribution file. Directory member 'pkg/dir/' has a size");
    }

    [Fact]
    public void The_absolute_inflation_cap_applies_to_zip_files()
    {
        var limits = ArchiveLimits.Default with { MaxUncompressedBytes = 4096 };
        var members = WheelMembers();
        members.Add(("pkg/data.bin", System.Security.Cryptography.RandomNumberGenerator.GetBytes(8192)));

        AssertRejected(InspectWheel(Zip(members), limits), "Invalid distribution file. Uncompressed size exceeds the limit of 4096 bytes.");
    }

    [Fact]
    public void A_tar_member_declaring_2_63_minus_1_bytes_with_no_data_is_refused()
    {
        byte[] tar = [.. RawTar(SdistEntries(), endMarker: false), .. TarHeader("pkg-1.0/huge.bin", '0', 0, patch: b => Base256(b, Huge)), .. new byte[1024]];

        AssertRejected(InspectSdist(Gzip(tar)),
            "Invalid distribution file. Member 'pkg-1.0/huge.bin' declares a size of 9223372036854775807 bytes, more than the limit of 8589934592 bytes");
    }

    [Fact]
    public void A_pax_size_of_2_63_minus_1_is_refused()
    {
        var pax = PaxRecords(("size", Huge.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        byte[] tar = [.. RawTar(SdistEntries(), endMarker: false), .. TarHeader("x", 'x', pax.Length), .. Padded(pax), .. TarHeader("pkg-1.0/huge.bin", '0', 0), .. new byte[1024]];

        AssertRejected(InspectSdist(Gzip(tar)),
            "Invalid distribution file. Member 'pkg-1.0/huge.bin' declares a size of 9223372036854775807 bytes, more than the limit of 8589934592 bytes");
    }

    [Fact]
    public void A_tar_member_whose_data_stops_short_is_refused()
    {
        byte[] tar = [.. RawTar(SdistEntries(), endMarker: false), .. TarHeader("pkg-1.0/short.bin", '0', 1L << 30), .. new byte[4096]];

        AssertRejected(InspectSdist(Gzip(tar)), "Invalid distribution file. Truncated tar archive");
    }

    /// <summary>GNU base-256: the size field's first byte 0x80, the value big-endian in the rest.</summary>
    private static void Base256(byte[] header, long value)
    {
        var field = header.AsSpan(124, 12);
        field.Clear();
        field[0] = 0x80;
        BinaryPrimitives.WriteInt64BigEndian(field[4..], value);
    }
}
