using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace Bulwark.Storage.S3;

/// <summary>
/// Uploads a large local file as an S3 multipart upload: parts read straight from the file (a few in parallel,
/// never the whole file in memory), then one completion that makes the object appear at once. Any failure or
/// cancellation aborts the upload, because the parts of an unfinished upload are kept (and billed) by the store
/// until someone aborts it, invisible to a listing of objects.
/// </summary>
internal sealed class S3MultipartUpload(IAmazonS3 client, S3WriteSettings settings, ILogger logger)
{
    private const int PartsInParallel = 4;

    public async Task RunAsync(string key, string sourceFile, long size, long partSize, string contentType, CancellationToken ct)
    {
        var start = new InitiateMultipartUploadRequest { BucketName = settings.Bucket, Key = key, ContentType = contentType };
        start.Headers.CacheControl = settings.CacheControl;
        var uploadId = (await client.InitiateMultipartUploadAsync(start, ct)).UploadId;
        try
        {
            var count = (int)((size + partSize - 1) / partSize);
            var etags = new PartETag[count];
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = PartsInParallel, CancellationToken = ct };
            await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (index, token) =>
            {
                var position = index * partSize;
                var part = new UploadPartRequest
                {
                    BucketName = settings.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = index + 1,
                    FilePath = sourceFile,
                    FilePosition = position,
                    PartSize = Math.Min(partSize, size - position),
                    UseChunkEncoding = false,
                    DisablePayloadSigning = settings.DisablePayloadSigning,
                };
                var response = await client.UploadPartAsync(part, token);
                etags[index] = new PartETag(index + 1, response.ETag);
            });
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = settings.Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = [.. etags],
                IfNoneMatch = "*",
            }, ct);
        }
        catch
        {
            await AbortAsync(key, uploadId);
            throw;
        }
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            // Not the request's token: the client going away is exactly when the parts must still be removed.
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = settings.Bucket, Key = key, UploadId = uploadId }, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Aborting multipart upload {UploadId} of {Key} failed; its parts stay in bucket {Bucket} until a lifecycle rule removes them.",
                uploadId, key, settings.Bucket);
        }
    }
}

/// <summary>What every write to the bucket shares.</summary>
internal sealed record S3WriteSettings(string Bucket, bool DisablePayloadSigning)
{
    // Content-addressed keys never change meaning; clients redirected to the store may cache forever.
    public string CacheControl => "public, max-age=31536000, immutable";
}
