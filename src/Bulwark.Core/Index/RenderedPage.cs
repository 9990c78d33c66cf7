using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Bulwark.Core.Index;

/// <summary>
/// What a cached page was rendered at: the <see cref="IndexGenerations"/> value of its project, read before
/// the data. A cached page is served only while the generation is unchanged.
/// </summary>
public readonly record struct PageVersion(long Generation);

/// <summary>A render's result: the body, the serial to report, and whether the project exists at all.</summary>
public sealed record PageContent(byte[] Body, long Serial, bool ProjectExists = true)
{
    /// <summary>The project does not exist (or may not be shown); cached like a page so unknown names cost no query either.</summary>
    public static PageContent Missing { get; } = new([], 0, ProjectExists: false);
}

/// <summary>
/// An immutable rendered response body with its strong validators and its compressed variants, each made the
/// first time a client asks for that encoding and then kept.
/// </summary>
public sealed class RenderedPage
{
    /// <summary>Bodies smaller than this are not worth a Content-Encoding.</summary>
    public const int CompressAbove = 1024;

    public RenderedPage(byte[] body, PageVersion version) : this(new PageContent(body, 0), version)
    {
    }

    public RenderedPage(PageContent content, PageVersion version)
    {
        Body = content.Body;
        Version = version;
        Serial = content.Serial;
        SerialText = content.Serial.ToString(CultureInfo.InvariantCulture);
        ProjectExists = content.ProjectExists;
        // A strong ETag must change whenever the bytes do; a content hash does that by construction and
        // is the same on every server instance, so a client can revalidate against any of them.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Body).AsSpan(0, 16));
        ETag = $"\"{hash}\"";
        VendorHtmlETag = $"\"{hash}-v1\"";
    }

    public byte[] Body { get; }

    /// <summary>Whether the body is large enough to be sent with a Content-Encoding.</summary>
    public bool Compressible => Body.Length >= CompressAbove;

    /// <summary>
    /// The body in <paramref name="coding"/> (<c>gzip</c> or <c>br</c>), compressed on first use.
    /// Why lazily: a render happens on every cache miss, and compressing every page twice up front cost more
    /// CPU than the query and the render together, also for clients (mirrors, wrk, curl) that ask for neither.
    /// Two requests racing on the first use may both compress; the bytes are identical and one copy is kept.
    /// </summary>
    public byte[] Encoded(string coding)
    {
        if (!Compressible) throw new InvalidOperationException("The page is too small to be sent compressed.");
        return coding switch
        {
            "gzip" => _gzip ?? Keep(ref _gzip, Compress(Body, s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true))),
            "br" => _brotli ?? Keep(ref _brotli, Compress(Body, s => new BrotliStream(s, new BrotliCompressionOptions { Quality = 6 }, leaveOpen: true))),
            _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "Only gzip and br are offered."),
        };
    }

    private byte[]? _gzip;
    private byte[]? _brotli;

    private static byte[] Keep(ref byte[]? slot, byte[] made) => Interlocked.CompareExchange(ref slot, made, null) ?? made;
    public PageVersion Version { get; }
    public bool ProjectExists { get; }

    /// <summary>The serial to report in <c>X-PyPI-Last-Serial</c>, and its text.</summary>
    public long Serial { get; }
    public string SerialText { get; }

    /// <summary>The ETag of this body served as <c>text/html</c> or as JSON.</summary>
    public string ETag { get; }

    /// <summary>
    /// The same HTML bytes served as <c>application/vnd.pypi.simple.v1+html</c> are a different representation
    /// (another Content-Type), so they get their own validator.
    /// </summary>
    public string VendorHtmlETag { get; }

    /// <summary>
    /// Bytes held, for the cache's size accounting, fixed when the page enters the cache: the body and room for
    /// both compressed copies (each at most about the body's size for these text pages; typically a third).
    /// </summary>
    public long Footprint => (Compressible ? Body.Length * 2L : Body.Length) + 256;

    public string ETagFor(string mediaType) => mediaType == SimpleApi.V1Html ? VendorHtmlETag : ETag;

    private static byte[] Compress(byte[] body, Func<Stream, Stream> wrap)
    {
        using var ms = new MemoryStream(body.Length / 4 + 64);
        using (var z = wrap(ms)) z.Write(body);
        return ms.ToArray();
    }
}
