namespace Bulwark.Core.Packaging.Archives;

/// <summary>
/// Counts the bytes a decompressing stream produces and stops reading as soon as they exceed the absolute cap or
/// the compression-ratio rule, so a small upload cannot make the inspector inflate gigabytes.
/// </summary>
internal sealed class InflationGuardStream(Stream inner, long compressedLength, ArchiveLimits limits) : Stream
{
    public long Total { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Total += read;
        Check(Total, compressedLength, limits);
        return read;
    }

    /// <summary>
    /// The two inflation rules, for a stream as it inflates and for a ZIP's declared sizes alike: PyPI's ratio
    /// rule and Bulwark's absolute cap. Decimal arithmetic, so no declared size can overflow the comparison.
    /// </summary>
    public static void Check(decimal uncompressed, long compressedLength, ArchiveLimits limits)
    {
        if (uncompressed > limits.CompressionRatioMinSize && uncompressed > (decimal)limits.CompressionRatioThreshold * Math.Max(compressedLength, 1))
        {
            throw new ArchiveRejectedException(
                $"Invalid distribution file. File exceeds compression ratio of {limits.CompressionRatioThreshold}");
        }

        if (uncompressed > limits.MaxUncompressedBytes)
        {
            throw new ArchiveRejectedException(
                $"Invalid distribution file. Uncompressed size exceeds the limit of {limits.MaxUncompressedBytes} bytes.");
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
