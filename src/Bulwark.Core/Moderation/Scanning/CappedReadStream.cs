namespace Bulwark.Core.Moderation.Scanning;

/// <summary>Passes reads through until <c>limit</c> bytes have been read, then throws: bounds what a compressed stream may inflate to.</summary>
internal sealed class CappedReadStream(Stream inner, long limit) : Stream
{
    private long _total;

    /// <summary>Thrown when the stream would go past its limit.</summary>
    public sealed class LimitReachedException() : Exception("The stream is longer than the scan reads.");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _total; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _total += read;
        return _total > limit ? throw new LimitReachedException() : read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
