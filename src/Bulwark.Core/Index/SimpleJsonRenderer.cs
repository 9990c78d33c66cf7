using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bulwark.Core.Index;

/// <summary>
/// Renders PEP 691 JSON pages. Keys come in the order Warehouse's serializer emits them (sorted), written
/// with <see cref="Utf8JsonWriter"/> so the hot path never reflects over types.
/// </summary>
public static class SimpleJsonRenderer
{
    // The body is served as JSON, never embedded in HTML, so characters like < > + need no \u escapes.
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The project list at <c>/simple/</c>: <c>meta</c> and <c>projects[{name, _last-serial}]</c>.</summary>
    public static byte[] RenderRoot(SimpleRoot root)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + root.Projects.Count * 48);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            WriteMeta(w, root.LastSerial);
            w.WriteStartArray("projects"u8);
            foreach (var p in root.Projects)
            {
                w.WriteStartObject();
                w.WriteNumber("_last-serial"u8, p.LastSerial);
                w.WriteString("name"u8, p.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The file list at <c>/simple/&lt;project&gt;/</c>.</summary>
    public static byte[] RenderDetail(SimpleDetail page)
    {
        var buffer = new ArrayBufferWriter<byte>(512 + page.Files.Count * 640);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            // PEP 708: we never point at other repositories, so the list is always empty.
            w.WriteStartArray("alternate-locations"u8);
            w.WriteEndArray();
            w.WriteStartArray("files"u8);
            foreach (var f in page.Files) WriteFile(w, f);
            w.WriteEndArray();
            WriteMeta(w, page.LastSerial);
            w.WriteString("name"u8, page.NormalizedName);
            w.WriteStartObject("project-status"u8);
            w.WriteString("status"u8, page.Status.ToMarker());
            if (page.StatusReason is { Length: > 0 } reason) w.WriteString("reason"u8, reason);
            w.WriteEndObject();
            w.WriteStartArray("versions"u8);
            foreach (var v in page.Versions) w.WriteStringValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMeta(Utf8JsonWriter w, long serial)
    {
        w.WriteStartObject("meta"u8);
        w.WriteNumber("_last-serial"u8, serial);
        w.WriteString("api-version"u8, SimpleApi.ApiVersion);
        w.WriteEndObject();
    }

    private static void WriteFile(Utf8JsonWriter w, IndexFile f)
    {
        w.WriteStartObject();
        IndexFormatting.WriteSimpleMetadata(w, f.MetadataSha256);
        w.WriteString("filename"u8, f.Filename);
        w.WriteStartObject("hashes"u8);
        w.WriteString("sha256"u8, f.Sha256);
        w.WriteEndObject();
        // PEP 740: no attestations are stored yet; null says so explicitly.
        w.WriteNull("provenance"u8);
        if (string.IsNullOrEmpty(f.RequiresPython)) w.WriteNull("requires-python"u8);
        else w.WriteString("requires-python"u8, f.RequiresPython);
        w.WriteNumber("size"u8, f.Size);
        w.WriteString("upload-time"u8, IndexFormatting.IsoUtc(f.UploadedAt));
        w.WriteString("url"u8, "../../" + IndexFormatting.FilePath(f.BlobPath));
        // PEP 592: a reason string when there is one, otherwise a boolean.
        if (f.Yanked && !string.IsNullOrEmpty(f.YankedReason)) w.WriteString("yanked"u8, f.YankedReason);
        else w.WriteBoolean("yanked"u8, f.Yanked);
        w.WriteEndObject();
    }
}
