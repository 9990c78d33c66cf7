using System.Buffers.Binary;
using System.Text;
using Bulwark.Core.Packaging.Archives;
using static Bulwark.Core.Tests.Packaging.ArchiveFixtures;

namespace Bulwark.Core.Tests.Packaging;

/// <summary>ZIP files whose local headers and central directory tell different stories.</summary>
public class ZipFramingTests
{
    private static void AssertRejected(byte[] bytes, string expected) => Assert.Equal(expected, InspectWheel(bytes).Error);

    [Fact]
    public void A_local_entry_missing_from_the_central_directory_is_refused()
    {
        AssertRejected(WheelWith(Entry("pkg/hidden.py") with { InCentral = false }).Build(), Framing("Filename not in central directory"));
    }

    [Fact]
    public void A_central_directory_entry_without_local_data_is_refused()
    {
        AssertRejected(WheelWith(Entry("pkg/ghost.py") with { InLocal = false }).Build(), Framing("Missing filename in local headers"));
    }

    [Fact]
    public void A_shadow_local_entry_with_the_same_name_is_refused()
    {
        var zip = RawZip.FromMembers(WheelMembers());
        zip.Entries.Insert(0, Entry("pkg/__init__.py", "VALUE = 1\n") with { InCentral = false });

        AssertRejected(zip.Build(), Framing("Mis-matched local header offset"));
    }

    [Fact]
    public void A_local_header_whose_crc_differs_from_the_central_directory_is_refused()
    {
        var zip = RawZip.FromMembers(WheelMembers());
        zip.Entries.Insert(0, Entry("pkg/__init__.py", "VALUE = 2\n") with { InCentral = false });

        AssertRejected(zip.Build(), Framing("Mis-matched local header and central directory"));
    }

    [Fact]
    public void A_comment_in_the_central_directory_is_refused()
    {
        AssertRejected(WheelWith(Entry("pkg/a.py") with { CentralComment = "hello"u8.ToArray() }).Build(), Framing("Comment in central directory"));
    }

    [Fact]
    public void Sizes_that_differ_between_local_header_and_central_directory_are_refused()
    {
        AssertRejected(WheelWith(Entry("pkg/a.py", "abc") with { CentralCompressedSize = 4 }).Build(), Framing("Mis-matched data size"));
    }

    [Fact]
    public void A_data_descriptor_is_refused()
    {
        AssertRejected(WheelWith(Entry("pkg/a.py") with { Flags = 0x0008 }).Build(), Framing("ZIP contains a data descriptor"));
    }

    [Fact]
    public void Data_before_the_first_local_header_is_refused()
    {
        var zip = new RawZip { Prefix = "MZ this is a self-extractor stub"u8.ToArray() };
        zip.Entries.AddRange(WheelWith().Entries);

        AssertRejected(zip.Build(), Framing("Unknown record signature"));
    }

    [Fact]
    public void Data_after_the_end_record_is_refused()
    {
        var zip = new RawZip { Suffix = "trailing bytes"u8.ToArray() };
        zip.Entries.AddRange(WheelWith().Entries);

        AssertRejected(zip.Build(), Framing("Trailing data"));
    }

    [Fact]
    public void A_second_zip_appended_to_the_first_is_refused()
    {
        var first = Wheel();
        var second = Zip([("pkg/__init__.py", "EVIL = 1\n"u8.ToArray())]);

        AssertRejected([.. first, .. second], Framing("Mismatched central directory offset"));
    }

    [Fact]
    public void A_non_ascii_name_without_the_utf8_flag_is_refused()
    {
        var entry = new RawZip.Entry([.. "pkg/caf"u8, 0xE9, .. ".py"u8], "x"u8.ToArray());

        AssertRejected(WheelWith(entry).Build(), Framing("Filename not unicode"));
    }

    [Fact]
    public void A_non_ascii_name_with_the_utf8_flag_is_accepted()
    {
        var entry = Entry("pkg/café.py") with { Flags = 0x0800 };

        Assert.True(InspectWheel(WheelWith(entry).Build()).IsValid);
    }

    [Fact]
    public void A_control_character_in_a_name_is_refused()
    {
        AssertRejected(WheelWith(Entry("pkg/a\u0001.py")).Build(), Framing("Invalid character in filename"));
    }

    [Fact]
    public void A_unicode_path_extra_that_disagrees_with_the_name_is_refused()
    {
        byte[] unicodeName = [.. "pkg/other.py"u8];
        var extra = new byte[4 + 5 + unicodeName.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x7075);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), (ushort)(5 + unicodeName.Length));
        extra[4] = 1;
        unicodeName.CopyTo(extra, 9);

        AssertRejected(WheelWith(Entry("pkg/a.py") with { LocalExtra = extra }).Build(), Framing("Mis-matched Unicode path extra field"));
    }

    [Fact]
    public void Duplicate_zip64_extras_are_refused()
    {
        byte[] extra = [0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00];

        AssertRejected(WheelWith(Entry("pkg/a.py") with { LocalExtra = extra }).Build(), Framing("Invalid duplicate extra in local file"));
    }

    [Fact]
    public void A_truncated_extra_field_is_refused()
    {
        AssertRejected(WheelWith(Entry("pkg/a.py") with { LocalExtra = [0x99, 0x99, 0x10] }).Build(), Framing("Malformed zip file"));
    }

    [Fact]
    public void A_zip_that_is_also_a_tar_is_refused()
    {
        var longName = "pkg/" + new string('a', 596);
        var zip = RawZip.FromMembers(WheelMembers());
        zip.Entries.Insert(0, Entry(longName));
        var bytes = zip.Build();

        // Make the first 512 bytes a tar header with a valid checksum: the checksum field (bytes 148-155)
        // falls inside the long name, so it is written there and in the name's central directory copy.
        var header = bytes[..512];
        SetTarChecksum(header); // six octal digits, NUL, space
        var field = Encoding.ASCII.GetBytes("0" + Encoding.ASCII.GetString(header, 148, 6) + " "); // same value, printable
        var centralCopy = Encoding.Latin1.GetString(bytes).LastIndexOf(longName, StringComparison.Ordinal) + (148 - 30);
        field.CopyTo(bytes, 148);
        field.CopyTo(bytes, centralCopy);

        Assert.True(PolyglotDetector.LooksLikeTar(new MemoryStream(bytes)));
        AssertRejected(bytes, "Invalid distribution file. File is both a ZIP and a tar archive");
    }
}
