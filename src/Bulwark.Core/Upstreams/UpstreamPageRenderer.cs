using System.Buffers;
using System.Text.Json;
using Bulwark.Core.Index;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// Renders a proxied project page in Bulwark's own HTML and PEP 691 JSON, with every file link pointing at
/// Bulwark (<c>../../files/upstream/…</c>, relative as for local pages), never at the upstream: pip then fetches
/// only bytes that Bulwark has checked against the listed sha256. Hashes, <c>requires-python</c>, yanks
/// (PEP 592) and core metadata (PEP 658/714) are passed through; size and upload time (PEP 700) when the
/// upstream gave them.
/// </summary>
public static class UpstreamPageRenderer
{
    public static string LinkPath(UpstreamFile f, bool metadata = false)
    {
        var path = IndexFormatting.FilePath(f.BlobPath);
        return "../../" + (metadata ? path + ".metadata" : path);
    }

    public static byte[] RenderHtml(string normalizedName, IReadOnlyList<UpstreamFile> files)
    {
        var b = new Utf8Builder(512 + files.Count * 320);
        b.Append("<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n"u8);
        b.Append("    <meta name=\"pypi:repository-version\" content=\""u8).Append(SimpleApi.ApiVersion).Append("\">\n"u8);
        b.Append("    <meta name=\"pypi:project-status\" content=\"active\">\n"u8);
        b.Append("    <title>Links for "u8).AppendEscaped(normalizedName).Append("</title>\n  </head>\n  <body>\n"u8);
        b.Append("    <h1>Links for "u8).AppendEscaped(normalizedName).Append("</h1>\n"u8);
        foreach (var f in files)
        {
            b.Append("    <a href=\""u8).AppendEscaped(LinkPath(f)).Append("#sha256="u8).Append(f.Sha256).Append("\""u8);
            if (f.RequiresPython is not null) b.Append(" data-requires-python=\""u8).AppendEscaped(f.RequiresPython).Append("\""u8);
            if (f.Yanked) b.Append(" data-yanked=\""u8).AppendEscaped(f.YankedReason ?? "").Append("\""u8);
            // PEP 714 renamed the attribute; pip before 23.3 only knows the PEP 658 name, so both are sent.
            IndexFormatting.AppendMetadataAttributes(b, f.MetadataSha256);
            b.Append(">"u8).AppendEscaped(f.Filename).Append("</a><br />\n"u8);
        }
        b.Append("  </body>\n</html>\n"u8);
        return b.ToArray();
    }

    public static byte[] RenderJson(string normalizedName, IReadOnlyList<UpstreamFile> files, IReadOnlyList<string> versions, bool complete)
    {
        var buffer = new ArrayBufferWriter<byte>(512 + files.Count * 640);
        using (var w = new Utf8JsonWriter(buffer, SimpleJsonRenderer.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartArray("alternate-locations"u8);
            w.WriteEndArray();
            w.WriteStartArray("files"u8);
            foreach (var f in files)
            {
                w.WriteStartObject();
                IndexFormatting.WriteSimpleMetadata(w, f.MetadataSha256);
                w.WriteString("filename"u8, f.Filename);
                w.WriteStartObject("hashes"u8);
                w.WriteString("sha256"u8, f.Sha256);
                w.WriteEndObject();
                if (f.RequiresPython is null) w.WriteNull("requires-python"u8);
                else w.WriteString("requires-python"u8, f.RequiresPython);
                if (f.Size is { } size) w.WriteNumber("size"u8, size);
                if (f.UploadTime is { } time) w.WriteString("upload-time"u8, IndexFormatting.IsoUtc(time));
                w.WriteString("url"u8, LinkPath(f));
                if (f.Yanked && !string.IsNullOrEmpty(f.YankedReason)) w.WriteString("yanked"u8, f.YankedReason);
                else w.WriteBoolean("yanked"u8, f.Yanked);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("meta"u8);
            w.WriteNumber("_last-serial"u8, 0);
            // PEP 700 makes size mandatory from 1.1 on: a page read from an HTML upstream (no sizes) claims 1.0.
            w.WriteString("api-version"u8, complete ? SimpleApi.ApiVersion : "1.0");
            w.WriteEndObject();
            w.WriteString("name"u8, normalizedName);
            if (complete)
            {
                w.WriteStartObject("project-status"u8);
                w.WriteString("status"u8, "active");
                w.WriteEndObject();
                w.WriteStartArray("versions"u8);
                foreach (var v in versions) w.WriteStringValue(v);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
