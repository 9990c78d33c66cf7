using System.Security.Cryptography;

namespace Bulwark.Core.Index;

/// <summary>
/// What a cached page was rendered from: a project's serial, or for the root listing a
/// <see cref="JournalMark"/>. A cached page is served only while the current version equals its own.
/// </summary>
public readonly record struct PageVersion(long Serial, long Floor = 0, long Count = 0)
{
    public static PageVersion Of(JournalMark mark) => new(mark.Max, mark.Floor, mark.Count);
}

/// <summary>An immutable rendered response body with its strong validators.</summary>
public sealed class RenderedPage
{
    public RenderedPage(byte[] body, PageVersion version)
    {
        Body = body;
        Version = version;
        // A strong ETag must change whenever the bytes do; a content hash does that by construction and
        // is the same on every server instance, so a client can revalidate against any of them.
        var hash = Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16));
        ETag = $"\"{hash}\"";
        VendorHtmlETag = $"\"{hash}-v1\"";
    }

    public byte[] Body { get; }
    public PageVersion Version { get; }

    /// <summary>The ETag of this body served as <c>text/html</c> or as JSON.</summary>
    public string ETag { get; }

    /// <summary>
    /// The same HTML bytes served as <c>application/vnd.pypi.simple.v1+html</c> are a different representation
    /// (another Content-Type), so they get their own validator.
    /// </summary>
    public string VendorHtmlETag { get; }

    /// <summary>The serial to report in <c>X-PyPI-Last-Serial</c>.</summary>
    public long Serial => Version.Serial;

    public string ETagFor(string mediaType) => mediaType == SimpleApi.V1Html ? VendorHtmlETag : ETag;
}
