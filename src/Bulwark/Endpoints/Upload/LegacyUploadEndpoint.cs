using System.Buffers;
using System.Text;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Observability;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Storage;
using Bulwark.Core.Uploads;
using Bulwark.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Endpoints.Upload;

/// <summary>
/// <c>POST /legacy/</c>: the upload API that twine, poetry and flit speak. The body is read as a stream:
/// text fields first, and when the file part arrives every check that does not need its bytes runs before a
/// single byte of it is stored; then the file is hashed while it is written to a temp file, under the size
/// limit. The temp file is always removed, also when the client goes away mid-upload.
/// </summary>
public static class LegacyUploadEndpoint
{
    /// <summary>Bound on the text fields together (the long description is the big one).</summary>
    private const long MaxFieldBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Bound on the parts of one upload. Empty fields cost no field bytes, so without it a body of millions of
    /// tiny parts would grow the field table as far as the request size allows. twine sends a few dozen.
    /// </summary>
    private const int MaxParts = 10_000;

    public static void MapLegacyUpload(this IEndpointRouteBuilder app)
    {
        // Routing treats "/legacy" and "/legacy/" alike, so the handler tells them apart.
        app.MapPost("/legacy/", HandleAsync).DisableAntiforgery();
    }

    private static async Task HandleAsync(HttpContext http, ApiTokenService tokens, AuditLog audit, UploadService uploads, IBlobStore blobs, IOptions<BulwarkOptions> options)
    {
        if (http.Request.Path.Value?.EndsWith('/') != true)
        {
            // Clients configured without the trailing slash: 308 keeps the method and body.
            http.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            http.Response.Headers.Location = "/legacy/" + http.Request.QueryString;
            return;
        }
        var ct = http.RequestAborted;
        var limits = new UploadLimits(options.Value.Uploads.MaxFileSize, options.Value.Uploads.MaxProjectSize);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limits.MaxFileSize + MaxFieldBytes + 1024 * 1024;
        }

        if (!(await UploadAuthentication.AuthenticateAsync(http, tokens, audit, ct)).TryGetValue(out var identity, out var authFailure))
        {
            await WriteAsync(http, authFailure);
            return;
        }
        if (!MultipartBoundary(http.Request.ContentType).TryGetValue(out var boundary, out var boundaryProblem))
        {
            await WriteAsync(http, boundaryProblem);
            return;
        }

        string? tempPath = null;
        try
        {
            var fields = new UploadFields();
            var reader = UploadBody.Reader(boundary, http.Request.Body);
            long fieldBytes = 0;
            var parts = 0;
            UploadPlan? plan = null;
            ReceivedFile? received = null;

            while (await UploadBody.NextSectionAsync(reader, first: parts == 0, ct) is { } section)
            {
                if (++parts > MaxParts)
                {
                    await WriteAsync(http, Refusal.Invalid($"The upload has too many form fields (more than {MaxParts})."));
                    return;
                }
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    // RFC 7578: every part names itself; a part that does not is no field of this form.
                    await WriteAsync(http, Refusal.Invalid("The multipart body is malformed: a part has no valid Content-Disposition header."));
                    return;
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                var filename = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                var body = UploadBody.Guard(section.Body, ct);

                if (filename is null)
                {
                    var value = await ReadFieldAsync(body, MaxFieldBytes - fieldBytes, ct);
                    if (value is null)
                    {
                        await WriteAsync(http, Refusal.Invalid($"The upload's form fields are too large (more than {MaxFieldBytes} bytes together)."));
                        return;
                    }
                    fieldBytes += value.Length;
                    if (fields.IsFull)
                    {
                        await WriteAsync(http, Refusal.Invalid($"The upload has too many form fields (more than {UploadFields.MaxFields})."));
                        return;
                    }
                    fields.Add(name, value);
                    continue;
                }
                if (name == "content" && received is not null)
                {
                    // Two files in one upload: which one the form's digests and metadata describe is a guess.
                    await WriteAsync(http, Refusal.Invalid("The upload has more than one file part named 'content'."));
                    return;
                }
                if (name != "content")
                {
                    // Signatures and unknown file parts are drained and ignored, as Warehouse ignores gpg_signature.
                    await body.CopyToAsync(Stream.Null, ct);
                    continue;
                }

                if (!(await uploads.PrepareAsync(identity, fields, filename, section.ContentType, limits, ct)).TryGetValue(out plan, out var failure))
                {
                    await WriteAsync(http, failure);
                    return;
                }
                tempPath = Path.Combine(blobs.TempDirectory, Guid.NewGuid().ToString("N") + ".upload");
                received = await ReceiveFileAsync(body, tempPath, plan.MaxBytes, ct);
                if (received is null)
                {
                    await WriteAsync(http, UploadService.TooLarge(plan, limits));
                    return;
                }
            }

            if (plan is null || received is null)
            {
                var withoutFile = await uploads.PrepareAsync(identity, fields, null, null, limits, ct);
                await WriteAsync(http, withoutFile.Refusal ?? UploadService.NoFile);
                return;
            }

            if (!(await uploads.CompleteAsync(plan, received, ct)).TryGetValue(out var success, out var completeFailure))
            {
                await WriteAsync(http, completeFailure);
                return;
            }
            BulwarkMetrics.UploadAccepted(success == UploadSuccess.AlreadyStored, received.Size);
            http.Response.StatusCode = StatusCodes.Status200OK;
            var answer = success switch
            {
                UploadSuccess.AlreadyStored => "OK (file already stored, nothing changed)\n",
                // The uploader is told: the file is stored but nobody can install it until an administrator reviews it.
                UploadSuccess.Held => "OK (held for review: the malware scan flagged this file; the release is quarantined until an administrator reviews it)\n",
                _ => "OK\n",
            };
            // Grace-period warnings ride on the success answer (twine --verbose prints the body).
            foreach (var warning in plan.Warnings) answer += "Warning: " + warning + "\n";
            await http.Response.WriteAsync(answer, ct);
        }
        catch (UploadBodyException e) when (e.Refusal is { } refusal)
        {
            await UploadRefusalResponse.WriteAsync(http, refusal, e.Status);
        }
        catch (Exception e) when (e is UploadBodyException || (e is OperationCanceledException && ct.IsCancellationRequested))
        {
            // The client went away: nobody is left to answer, and it is not a fault of the server. The temp file
            // goes below; a commit under way removes the blobs it created itself.
            http.Response.StatusCode = 499;
        }
        finally
        {
            if (tempPath is not null && File.Exists(tempPath)) File.Delete(tempPath);
        }
    }

    /// <summary>
    /// Streams the file part to disk through the hashers; null when it exceeds <paramref name="maxBytes"/>.
    /// Two 1 MiB buffers alternate: while one is hashed (three hashes in parallel) the next is received and
    /// written, so memory stays at 2 MiB whatever the file size, and hashing overlaps the transfer.
    /// </summary>
    private static async Task<ReceivedFile?> ReceiveFileAsync(Stream body, string tempPath, long maxBytes, CancellationToken ct)
    {
        const int ChunkSize = 1024 * 1024;
        using var hasher = new MultiHasher();
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(ChunkSize), ArrayPool<byte>.Shared.Rent(ChunkSize)];
        var hashing = Task.CompletedTask;
        long size = 0;
        try
        {
            // Plain synchronous writes: on Linux "asynchronous" file writes are thread-pool writes to the page
            // cache anyway; the durable flush happens once, when the blob store takes the file.
            using var output = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            for (var k = 0; ; k ^= 1)
            {
                var buffer = buffers[k];
                var read = await body.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, ct);
                if (read == 0) break;
                if (size + read > maxBytes) return null;
                RandomAccess.Write(output, buffer.AsSpan(0, read), size);
                size += read;
                // The buffer read next was hashed two rounds ago; wait for that before it is overwritten.
                await hashing;
                var chunk = buffer.AsMemory(0, read);
                hashing = Task.Run(() => hasher.AppendConcurrently(chunk), ct);
            }
            await hashing;
            return new ReceivedFile(tempPath, size, hasher.Finish());
        }
        finally
        {
            // Never hand a buffer back while a hash may still read it.
            try { await hashing; } catch { /* the failure is already reported by the code above */ }
            foreach (var b in buffers) ArrayPool<byte>.Shared.Return(b);
        }
    }

    private static async Task<string?> ReadFieldAsync(Stream body, long maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The multipart boundary of the request, or what is wrong with its Content-Type.</summary>
    private static Outcome<string> MultipartBoundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Refusal.Invalid("The upload must be sent as multipart/form-data.");
        }
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary)) return Refusal.Invalid("The upload's multipart/form-data Content-Type has no boundary parameter.");
        // RFC 2046 allows 70 characters; the bound only keeps the reader's delimiter scans short.
        return boundary.Length > 200 ? Refusal.Invalid("The upload's multipart boundary is longer than 200 characters.") : boundary;
    }

    private static Task WriteAsync(HttpContext http, Refusal refusal) => UploadRefusalResponse.WriteAsync(http, refusal);
}
