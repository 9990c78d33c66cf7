using Bulwark.Core.Outcomes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.WebUtilities;

namespace Bulwark.Endpoints.Upload;

/// <summary>
/// A fault of the upload's request body, found while reading it: the answer to give, or none when the client
/// has gone away and nobody is left to answer. Thrown only by the readers below, so that a fault of the server
/// itself (a disk error while the file is stored) is never mistaken for the client's.
/// </summary>
internal sealed class UploadBodyException(Refusal? refusal, Exception inner, int status = StatusCodes.Status400BadRequest)
    : Exception(refusal?.Message ?? "The client went away during the upload.", inner)
{
    /// <summary>The refusal to send; null when the client disconnected.</summary>
    public Refusal? Refusal { get; } = refusal;

    /// <summary>The status to send it with: 400, or 413 for a body over the server's limit.</summary>
    public int Status { get; } = status;
}

/// <summary>
/// Reading a multipart body the client controls. <see cref="MultipartReader"/> and the server report framing
/// faults as exceptions (a part header over the limit, a body without its closing boundary, a body cut short,
/// one over the size limit, a client that disconnects); each becomes an <see cref="UploadBodyException"/>
/// that names the problem, so a malformed request is a 4xx and never a server error.
/// </summary>
internal static class UploadBody
{
    /// <summary>The reader's limit on one part's headers; a larger header block is refused.</summary>
    public const int MaxPartHeaderBytes = 16 * 1024;

    public static MultipartReader Reader(string boundary, Stream body) =>
        // A 64 KiB buffer instead of the default 4 KiB: ten times fewer boundary scans over a 100 MiB file.
        new(boundary, body, 64 * 1024) { HeadersLengthLimit = MaxPartHeaderBytes };

    /// <summary>The next part, or null after the closing boundary.</summary>
    /// <param name="first">Whether no part was read yet: a body with no boundary at all is described as such.</param>
    public static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, bool first, CancellationToken ct)
    {
        try
        {
            return await reader.ReadNextSectionAsync(ct);
        }
        catch (Exception e) when (Translate(e, first, ct) is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>A part's body whose read faults are translated like those of the part headers.</summary>
    public static Stream Guard(Stream partBody, CancellationToken ct) => new GuardedStream(partBody, ct);

    private static UploadBodyException? Translate(Exception e, bool first, CancellationToken ct)
    {
        switch (e)
        {
            case UploadBodyException translated:
                return translated;
            case OperationCanceledException when ct.IsCancellationRequested:
            case ConnectionResetException:
                return new UploadBodyException(null, e);
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return new UploadBodyException(Refusal.Invalid(
                    "Request body too large: the upload is over the server's limit for one file and its form fields."), e, StatusCodes.Status413PayloadTooLarge);
            case BadHttpRequestException when ct.IsCancellationRequested:
                return new UploadBodyException(null, e);
            case BadHttpRequestException:
                // Kestrel: fewer bytes than Content-Length, or broken chunked framing.
                return new UploadBodyException(Refusal.Invalid(
                    "The request body is truncated: it ended before the length the request declared."), e);
            case InvalidDataException:
                return new UploadBodyException(Refusal.Invalid(MalformedHeaders(e.Message)), e);
            case IOException:
                // MultipartReader's "Unexpected end of Stream": the body ended inside a part, or, before any
                // part, never contained the boundary at all.
                return new UploadBodyException(Refusal.Invalid(first
                    ? "The multipart body is malformed or truncated: it holds no complete part delimited by the boundary its Content-Type declares."
                    : "The multipart body is truncated: it ends before its closing boundary."), e);
            default:
                return null;
        }
    }

    /// <summary>MultipartReader's header faults, worded for the uploader (its messages name the limit it hit).</summary>
    private static string MalformedHeaders(string detail)
    {
        if (detail.Contains("count limit", StringComparison.OrdinalIgnoreCase))
        {
            return $"The multipart body is malformed: a part has more than {MultipartReader.DefaultHeadersCountLimit} header lines.";
        }

        // The reader bounds the preamble before the first boundary by the header limit too.
        if (detail.Contains("before the first boundary", StringComparison.OrdinalIgnoreCase))
        {
            return $"The multipart body is malformed: no boundary its Content-Type declares within its first {MaxPartHeaderBytes} bytes.";
        }

        if (detail.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        {
            return $"The multipart body is malformed: a part's headers are longer than the limit of {MaxPartHeaderBytes} bytes.";
        }

        return "The multipart body is malformed: a part header line is invalid.";
    }

    private sealed class GuardedStream(Stream inner, CancellationToken ct) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (Exception e) when (Translate(e, first: false, ct) is { } fault)
            {
                throw fault;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (Translate(e, first: false, ct) is { } fault)
            {
                throw fault;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
