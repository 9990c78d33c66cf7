using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Bulwark.Storage.S3;

/// <summary>
/// An object read as a seekable stream of known length, so ASP.NET Core's range and conditional request handling
/// works on it as on a file. It starts with one GET of the whole object (the common case: a full download costs
/// one request); a seek to another position closes that response and the next read asks for a byte range from
/// there, pinned to the first response's ETag so every range comes from the same object.
/// </summary>
internal sealed class S3ObjectStream : Stream
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _key;
    private readonly string? _etag;
    private GetObjectResponse? _response;
    private long _responsePosition;
    private long _position;

    private S3ObjectStream(IAmazonS3 client, string bucket, string key, GetObjectResponse first)
    {
        _client = client;
        _bucket = bucket;
        _key = key;
        _etag = first.ETag;
        _response = first;
        Length = first.ContentLength;
    }

    /// <summary>Starts reading the object; null when there is no such object.</summary>
    public static async Task<S3ObjectStream?> OpenAsync(IAmazonS3 client, string bucket, string key, CancellationToken ct)
    {
        try
        {
            var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct);
            return new S3ObjectStream(client, bucket, key, response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public override long Length { get; }
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        // No request here: the next read fetches from the new position, and a seek that lands where the open
        // response already is costs nothing.
        _position = target;
        return target;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _position >= Length) return 0;
        if (_response is null || _responsePosition != _position) await ReopenAsync(cancellationToken);
        var read = await _response!.ResponseStream.ReadAsync(buffer, cancellationToken);
        if (read == 0)
        {
            throw new IOException($"The object '{_key}' ended after {_position} of its {Length} bytes.");
        }
        _position += read;
        _responsePosition += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Bulwark reads asynchronously; a synchronous caller (none is known) blocks on the same path rather than
    // getting a second, untested implementation.
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    private async Task ReopenAsync(CancellationToken ct)
    {
        _response?.Dispose();
        _response = null;
        var request = new GetObjectRequest
        {
            BucketName = _bucket,
            Key = _key,
            ByteRange = new ByteRange(_position, Length - 1),
            EtagToMatch = _etag,
        };
        _response = await _client.GetObjectAsync(request, ct);
        _responsePosition = _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // Disposing an unfinished response drops its connection: cheaper than reading bytes nobody wants.
        if (disposing) _response?.Dispose();
        _response = null;
        base.Dispose(disposing);
    }
}
