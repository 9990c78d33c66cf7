using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Upstreams;

namespace Bulwark.Upstreams;

/// <summary>
/// Speaks to upstream indexes over HTTP: PEP 691 JSON first (HTML accepted as a fallback, as pip does),
/// conditional requests with the stored ETag, and file downloads hashed while they stream to disk. Every
/// failure of the upstream (timeout, refused connection, 5xx, an unreadable page) is a
/// <see cref="RefusalKind.Unavailable"/> refusal that callers answer from their cache.
/// </summary>
public sealed class HttpUpstreamClient(HttpClient http) : IUpstreamClient
{
    /// <summary>The largest page read (PyPI's biggest project pages are a few megabytes).</summary>
    public const int MaxPageBytes = 64 * 1024 * 1024;

    // PEP 691: JSON preferred, the v1 HTML next, plain HTML last.
    private const string PageAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

    public async Task<Outcome<UpstreamFetch>> FetchPageAsync(Uri baseUri, string normalizedName, string? etag, TimeSpan timeout, CancellationToken ct)
    {
        var pageUri = new Uri(baseUri, Uri.EscapeDataString(normalizedName) + "/");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, pageUri);
            request.Headers.TryAddWithoutValidation("Accept", PageAccept);
            if (etag is not null) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotModified:
                    return new UpstreamFetch(UpstreamFetchKind.NotModified, ETag: etag);
                case HttpStatusCode.NotFound or HttpStatusCode.Gone:
                    return new UpstreamFetch(UpstreamFetchKind.NotFound);
                case HttpStatusCode.OK:
                    break;
                default:
                    return Refusal.Unavailable($"The upstream answered {(int)response.StatusCode} for {pageUri}.");
            }
            var body = await ReadBoundedAsync(response.Content, MaxPageBytes, cts.Token);
            if (body is null) return Refusal.Unavailable($"The upstream's page {pageUri} is larger than {MaxPageBytes} bytes.");
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "text/html";
            // Links resolve against the URL the page was finally read from (after redirects).
            var finalUri = response.RequestMessage?.RequestUri ?? pageUri;
            var listing = mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase)
                ? UpstreamPageParser.ParseJson(normalizedName, finalUri, body)
                : UpstreamPageParser.ParseHtml(normalizedName, finalUri, Encoding.UTF8.GetString(body));
            return new UpstreamFetch(UpstreamFetchKind.Page, listing, response.Headers.ETag?.ToString());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Refusal.Unavailable($"The upstream did not answer for {pageUri} within {timeout.TotalSeconds:0.###} s.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException)
        {
            return Refusal.Unavailable($"The upstream could not be read for {pageUri}: {ex.Message}");
        }
    }

    /// <summary>
    /// The upstream's legacy JSON API document for a project (<paramref name="version"/> null) or a release: the
    /// body, or an empty array when the upstream has no such project or release (404/410).
    /// </summary>
    public async Task<Outcome<byte[]>> FetchProjectJsonAsync(Uri jsonBase, string normalizedName, string? version, TimeSpan timeout, CancellationToken ct)
    {
        var relative = Uri.EscapeDataString(normalizedName) + "/" + (version is null ? "" : Uri.EscapeDataString(version) + "/") + "json";
        var uri = new Uri(jsonBase, relative);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return Array.Empty<byte>();
            if (response.StatusCode != HttpStatusCode.OK) return Refusal.Unavailable($"The upstream answered {(int)response.StatusCode} for {uri}.");
            var body = await ReadBoundedAsync(response.Content, MaxPageBytes, cts.Token);
            return body is null ? Refusal.Unavailable($"The upstream's {uri} is larger than {MaxPageBytes} bytes.") : body;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Refusal.Unavailable($"The upstream did not answer for {uri} within {timeout.TotalSeconds:0.###} s.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return Refusal.Unavailable($"The upstream could not be read for {uri}: {ex.Message}");
        }
    }

    /// <summary>
    /// Streams <paramref name="url"/> into <paramref name="destination"/>, hashing as it goes; refuses bodies over
    /// <paramref name="maxSize"/>. Whether the hash is the expected one is the caller's decision.
    /// </summary>
    public async Task<Outcome<UpstreamDownload>> DownloadAsync(string url, string destination, long maxSize, TimeSpan headerTimeout, TimeSpan totalTimeout, CancellationToken ct)
    {
        using var total = CancellationTokenSource.CreateLinkedTokenSource(ct);
        total.CancelAfter(totalTimeout);
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(total.Token);
        headers.CancelAfter(headerTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
            if (response.StatusCode != HttpStatusCode.OK) return Refusal.Unavailable($"The upstream answered {(int)response.StatusCode} for {url}.");
            if (response.Content.Headers.ContentLength > maxSize) return Refusal.Invalid($"The upstream file {url} is larger than {maxSize} bytes.");
            await using var source = await response.Content.ReadAsStreamAsync(total.Token);
            await using var target = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long size = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, total.Token)) > 0)
            {
                size += read;
                if (size > maxSize) return Refusal.Invalid($"The upstream file {url} is larger than {maxSize} bytes.");
                sha.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), total.Token);
            }
            await target.FlushAsync(total.Token);
            return new UpstreamDownload(size, Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Refusal.Unavailable($"The upstream did not deliver {url} in time.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return Refusal.Unavailable($"The upstream could not be read for {url}: {ex.Message}");
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, int max, CancellationToken ct)
    {
        if (content.Headers.ContentLength > max) return null;
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The client Bulwark uses for upstreams: its own user agent, redirects within http(s), decompression of pages.</summary>
    public static HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Brotli,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Bulwark", "1.0"));
        return client;
    }
}
