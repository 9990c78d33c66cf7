using System.Buffers.Binary;

namespace Bulwark.Core.Packaging.Archives;

/// <summary>
/// Detects files that are valid in two archive formats at once. A ZIP is read from its end and a tar from its
/// start, so one file can be both, with different contents for different tools.
/// </summary>
internal static class PolyglotDetector
{
    /// <summary>True when the first 512 bytes form a tar header with a valid checksum.</summary>
    public static bool LooksLikeTar(Stream file)
    {
        var block = new byte[512];
        file.Position = 0;
        return file.ReadAtLeast(block, block.Length, throwOnEndOfStream: false) == block.Length
            && block.AsSpan().ContainsAnyExcept((byte)0)
            && TarChecksumMatches(block);
    }

    /// <summary>
    /// True when the last 64 KiB hold a ZIP end record that a ZIP reader could use: its central directory
    /// offset points at a central directory header (or the archive is empty). Random compressed data matches
    /// this with negligible probability; an appended ZIP always does.
    /// </summary>
    public static bool LooksLikeZip(Stream file)
    {
        var length = file.Length;
        var tailLength = (int)Math.Min(length, 22 + 0xFFFF);
        var tail = new byte[tailLength];
        file.Position = length - tailLength;
        file.ReadExactly(tail);
        var span = tail.AsSpan();
        for (var p = span.LastIndexOf("PK\x05\x06"u8); p >= 0; p = span[..p].LastIndexOf("PK\x05\x06"u8))
        {
            if (p + 22 > tailLength)
            {
                continue;
            }

            var records = BinaryPrimitives.ReadUInt16LittleEndian(span[(p + 10)..]);
            var cdSize = (long)BinaryPrimitives.ReadUInt32LittleEndian(span[(p + 12)..]);
            var cdOffset = (long)BinaryPrimitives.ReadUInt32LittleEndian(span[(p + 16)..]);
            var endOffset = length - tailLength + p;

            // Readers either trust the recorded offset or, for a ZIP glued after other data, place the
            // directory right before the end record; both must be checked.
            if (records == 0 || PointsAtCentralHeader(file, cdOffset, length)
                || PointsAtCentralHeader(file, endOffset - cdSize, length))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tar header checksum rule: stored octal value equals the unsigned (or signed) byte sum.</summary>
    public static bool TarChecksumMatches(ReadOnlySpan<byte> block)
    {
        long unsignedSum = 0;
        long signedSum = 0;
        for (var i = 0; i < 512; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : block[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }

        var stored = TarScanner.TryParseOctal(block.Slice(148, 8));
        return stored is not null && (stored == unsignedSum || stored == signedSum);
    }

    private static bool PointsAtCentralHeader(Stream file, long offset, long length)
    {
        if (offset < 0 || offset + 4 > length)
        {
            return false;
        }

        Span<byte> signature = stackalloc byte[4];
        file.Position = offset;
        file.ReadExactly(signature);
        return BinaryPrimitives.ReadUInt32LittleEndian(signature) == ZipCentralDirectory.CentralHeaderSignature;
    }
}
