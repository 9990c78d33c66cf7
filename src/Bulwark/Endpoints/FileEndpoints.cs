using Bulwark.Core.Downloads;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Bulwark.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Endpoints;

/// <summary>
/// Distribution files at <c>/files/&lt;blake2b[0:2]&gt;/&lt;[2:4]&gt;/&lt;[4:]&gt;/&lt;filename&gt;</c> (Warehouse's path
/// layout, which is also the blob store's) and their PEP 658 metadata at the same URL plus <c>.metadata</c>.
/// Only paths of files recorded in the database are served, never arbitrary blobs; files of quarantined
/// projects or releases are 404 (maintainer and admin access comes with sessions).
/// </summary>
internal static class FileEndpoints
{
    // Content-addressed URLs never change meaning, so caches may keep them forever.
    private const string CacheControl = "public, max-age=31536000, immutable";

    // Distributions are opaque archives; octet-stream keeps every proxy from "helpfully" re-encoding them
    // (a tar.gz labelled gzip invites a Content-Encoding that breaks hash checks). This is also what
    // PyPI's file host sends.
    private const string DistributionContentType = "application/octet-stream";
    private const string MetadataContentType = "text/plain; charset=utf-8";

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static void MapFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/files/{a}/{b}/{rest}/{filename}", GetAndHead, ServeAsync);
    }

    private static async Task<IResult> ServeAsync(string a, string b, string rest, string filename, HttpContext context,
        FileLookupCache files, SmallBlobCache smallBlobs, IBlobStore blobs, DownloadCounter counter, ILoggerFactory loggers)
    {
        var blake2 = a + b + rest;
        if (a.Length != 2 || b.Length != 2 || blake2.Length != 64 || !IsLowerHex(blake2)) return Results.NotFound();

        var file = await files.FindAsync(blake2, context.RequestAborted);
        if (file is null) return Results.NotFound();
        var quarantined = file.ProjectLifecycle == ProjectLifecycle.Quarantined || file.ReleaseLifecycle == ReleaseLifecycle.Quarantined;
        if (quarantined && !await MaySeeQuarantinedAsync(context, file.ProjectId)) return Results.NotFound();

        bool isMetadata;
        if (filename == file.Filename) isMetadata = false;
        else if (file.MetadataSha256 is not null && filename == file.Filename + ".metadata") isMetadata = true;
        else return Results.NotFound();

        var blobPath = isMetadata ? file.BlobPath + ".metadata" : file.BlobPath;
        var contentType = isMetadata ? MetadataContentType : DistributionContentType;
        var etag = new EntityTagHeaderValue($"\"{(isMetadata ? file.MetadataSha256 : file.Sha256)}\"");
        // A quarantined file reaches only its maintainers and administrators: no shared cache may keep that answer.
        context.Response.Headers.CacheControl = quarantined ? "private, no-store" : CacheControl;
        context.Response.Headers.AccessControlAllowOrigin = "*";

        IResult inner;
        var local = blobs.GetLocalPath(blobPath);
        var small = await smallBlobs.GetAsync(blobPath, isMetadata ? 0 : file.Size, context.RequestAborted);
        if (small is not null)
        {
            if (IsPlain(context.Request))
            {
                // The common case (pip fetching a metadata file or a small wheel): no range, no validators to
                // check, bytes from memory; the headers are the ones Results.Bytes would send.
                await WriteSmallAsync(context, small, contentType, file.UploadedAt, etag.Tag.Value!);
                if (!isMetadata && HttpMethods.IsGet(context.Request.Method) && !context.RequestAborted.IsCancellationRequested)
                {
                    counter.Record(file.Id, file.ProjectId);
                }
                return Results.Empty;
            }
            inner = Results.Bytes(small, contentType, lastModified: file.UploadedAt, entityTag: etag, enableRangeProcessing: true);
        }
        else if (local is not null)
        {
            if (!File.Exists(local)) return MissingBlob(loggers, blobPath);
            // Range, HEAD and conditional requests are handled by the file result; Kestrel copies the file
            // through a pooled buffer (it has no zero-copy path for sockets).
            inner = Results.File(local, contentType, lastModified: file.UploadedAt, entityTag: etag, enableRangeProcessing: true);
        }
        else if (await blobs.GetDownloadUrlAsync(blobPath, contentType, context.RequestAborted) is { } direct)
        {
            return Redirect(context, direct, isMetadata ? null : counter, file.Id, file.ProjectId);
        }
        else
        {
            var stream = await blobs.OpenReadAsync(blobPath, context.RequestAborted);
            if (stream is null) return MissingBlob(loggers, blobPath);
            inner = Results.Stream(stream, contentType, lastModified: file.UploadedAt, entityTag: etag, enableRangeProcessing: true);
        }
        return isMetadata ? inner : new CountedDownload(inner, file.Id, file.ProjectId, counter);
    }

    /// <summary>
    /// Sends the client to the object store (a presigned URL, which carries Range requests through). The
    /// redirect itself must not be kept longer than the URL lives, so it is not cached at all; a GET without
    /// Range counts as a download, since whether the client then fetched the bytes is not seen here.
    /// </summary>
    private static IResult Redirect(HttpContext context, Uri target, DownloadCounter? counter, long fileId, long projectId)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (counter is not null && HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Range.Count == 0)
        {
            counter.Record(fileId, projectId);
        }
        return Results.Redirect(target.AbsoluteUri);
    }

    /// <summary>
    /// Quarantined files stay readable to the project's maintainers and to administrators (signed in on the web),
    /// so they can see what was reported; everyone else gets the same 404 as for a file that never existed.
    /// </summary>
    private static async Task<bool> MaySeeQuarantinedAsync(HttpContext context, long projectId)
    {
        if (Auth.BulwarkClaims.CurrentSession(context) is not { } session) return false;
        if (session.User.IsAdmin) return true;
        var db = context.RequestServices.GetRequiredService<Core.Data.BulwarkDbContext>();
        return await db.ProjectRoles.AnyAsync(r => r.ProjectId == projectId && r.UserId == session.UserId, context.RequestAborted);
    }

    /// <summary>No Range and no conditional headers: the response is the whole representation, status 200.</summary>
    private static bool IsPlain(HttpRequest request)
    {
        var h = request.Headers;
        return h.Range.Count == 0 && h.IfNoneMatch.Count == 0 && h.IfModifiedSince.Count == 0 && h.IfMatch.Count == 0
            && h.IfUnmodifiedSince.Count == 0 && h.IfRange.Count == 0;
    }

    private static Task WriteSmallAsync(HttpContext context, byte[] body, string contentType, DateTimeOffset lastModified, string etag)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        response.Headers.LastModified = HeaderUtilities.FormatDate(lastModified);
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    private static IResult MissingBlob(ILoggerFactory loggers, string blobPath)
    {
        loggers.CreateLogger(typeof(FileEndpoints)).LogError("Blob {BlobPath} is recorded in the database but missing from the store.", blobPath);
        return Results.NotFound();
    }

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        }
        return true;
    }

    /// <summary>
    /// Counts a download once the whole file was sent: a full GET answered 200. HEAD, 304 and range requests
    /// (206, usually resumptions of a download already counted) are not counted, nor are aborted transfers.
    /// </summary>
    private sealed class CountedDownload(IResult inner, long fileId, long projectId, DownloadCounter counter) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            await inner.ExecuteAsync(context);
            if (HttpMethods.IsGet(context.Request.Method) && context.Response.StatusCode == StatusCodes.Status200OK && !context.RequestAborted.IsCancellationRequested)
            {
                counter.Record(fileId, projectId);
            }
        }
    }
}
