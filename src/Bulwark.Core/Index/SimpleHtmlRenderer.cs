namespace Bulwark.Core.Index;

/// <summary>
/// Renders PEP 503 HTML pages with the PEP 592/658/714/792 attributes. File links are relative
/// (<c>../../files/…</c>), so a page is the same bytes whatever host, scheme or path prefix a proxy serves
/// it under, and pip resolves them against the page URL.
/// </summary>
public static class SimpleHtmlRenderer
{
    /// <summary>The project list at <c>/simple/</c>.</summary>
    public static byte[] RenderRoot(SimpleRoot root)
    {
        var b = new Utf8Builder(256 + root.Projects.Count * 64);
        b.Append(RootHead);
        foreach (var p in root.Projects) AppendRootLine(b, p.NormalizedName, p.Name);
        b.Append(RootTail);
        return b.ToArray();
    }

    /// <summary>The root page up to the first project link; <see cref="RootListing"/> streams the same pieces.</summary>
    internal static readonly byte[] RootHead = new Utf8Builder(256)
        .Append("<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n"u8)
        .Append("    <meta name=\"pypi:repository-version\" content=\""u8).Append(SimpleApi.ApiVersion).Append("\">\n"u8)
        .Append("    <title>Simple index</title>\n  </head>\n  <body>\n"u8)
        .ToArray();

    internal static readonly byte[] RootTail = "  </body>\n</html>\n"u8.ToArray();

    internal static void AppendRootLine(Utf8Builder b, string normalizedName, string name) =>
        b.Append("    <a href=\""u8).AppendEscaped(normalizedName).Append("/\">"u8).AppendEscaped(name).Append("</a>\n"u8);

    /// <summary>The file list at <c>/simple/&lt;project&gt;/</c>, ending with the <c>SERIAL</c> comment mirrors read.</summary>
    public static byte[] RenderDetail(SimpleDetail page)
    {
        var b = new Utf8Builder(512 + page.Files.Count * 320);
        b.Append("<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n"u8);
        b.Append("    <meta name=\"pypi:repository-version\" content=\""u8).Append(SimpleApi.ApiVersion).Append("\">\n"u8);
        b.Append("    <meta name=\"pypi:project-status\" content=\""u8).Append(page.Status.ToMarker()).Append("\">\n"u8);
        if (page.StatusReason is { Length: > 0 } reason)
        {
            // PEP 792's free-text reason; escaped like every other value of the page.
            b.Append("    <meta name=\"pypi:project-status-reason\" content=\""u8).AppendEscaped(reason).Append("\">\n"u8);
        }
        b.Append("    <title>Links for "u8).AppendEscaped(page.NormalizedName).Append("</title>\n  </head>\n  <body>\n"u8);
        b.Append("    <h1>Links for "u8).AppendEscaped(page.NormalizedName).Append("</h1>\n"u8);
        foreach (var f in page.Files)
        {
            b.Append("    <a href=\"../../"u8).AppendEscaped(IndexFormatting.FilePath(f.BlobPath)).Append("#sha256="u8).Append(f.Sha256).Append("\""u8);
            if (!string.IsNullOrEmpty(f.RequiresPython))
            {
                b.Append(" data-requires-python=\""u8).AppendEscaped(f.RequiresPython).Append("\""u8);
            }
            if (f.Yanked)
            {
                // PEP 592: the attribute's presence marks the yank; its value is the reason, possibly empty.
                b.Append(" data-yanked=\""u8).AppendEscaped(f.YankedReason ?? "").Append("\""u8);
            }
            // PEP 714 renamed the attribute; pip before 23.3 only knows the PEP 658 name, so both are sent.
            IndexFormatting.AppendMetadataAttributes(b, f.MetadataSha256);
            b.Append(">"u8).AppendEscaped(f.Filename).Append("</a><br />\n"u8);
        }
        b.Append("  </body>\n</html>\n<!--SERIAL "u8).Append(page.LastSerial).Append("-->\n"u8);
        return b.ToArray();
    }
}
