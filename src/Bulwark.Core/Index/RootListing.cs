using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace Bulwark.Core.Index;

/// <summary>One project line of the root listing.</summary>
public readonly record struct RootEntry(string Name, string NormalizedName, long LastSerial);

/// <summary>
/// A run of consecutive root entries (by normalized name) with its HTML lines and JSON objects rendered once.
/// Immutable: a change replaces the segment, so a response being streamed keeps the bytes it started with.
/// </summary>
public sealed class RootSegment
{
    public const int TargetSize = 512;

    private RootSegment(RootEntry[] entries, byte[] html, byte[] json, UInt128 htmlHash, UInt128 jsonHash)
    {
        Entries = entries;
        Html = html;
        Json = json;
        HtmlHash = htmlHash;
        JsonHash = jsonHash;
    }

    public RootEntry[] Entries { get; }
    public byte[] Html { get; }

    /// <summary>The entries' JSON objects separated by commas, without brackets.</summary>
    public byte[] Json { get; }

    /// <summary>Sums of per-entry hashes: the listing's ETag adds them up, so it depends only on the entries, not on how they are segmented.</summary>
    public UInt128 HtmlHash { get; }
    public UInt128 JsonHash { get; }

    public string First => Entries[0].NormalizedName;

    public static RootSegment Create(RootEntry[] entries)
    {
        var html = new Utf8Builder(entries.Length * 64);
        var json = new Utf8Builder(entries.Length * 48);
        UInt128 htmlHash = 0, jsonHash = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            var start = html.Length;
            SimpleHtmlRenderer.AppendRootLine(html, e.NormalizedName, e.Name);
            htmlHash += XxHash128.HashToUInt128(html.WrittenSpan[start..]);

            if (i > 0) json.Append(","u8);
            start = json.Length;
            json.Append("{\"_last-serial\":"u8).Append(e.LastSerial).Append(",\"name\":"u8);
            AppendJsonString(json, e.Name);
            json.Append("}"u8);
            jsonHash += XxHash128.HashToUInt128(json.WrittenSpan[start..]);
        }
        return new RootSegment(entries, html.ToArray(), json.ToArray(), htmlHash, jsonHash);
    }

    /// <summary>
    /// Valid project names are ASCII letters, digits and <c>._-</c>, which JSON takes as they are; anything
    /// else (data imported from elsewhere) goes through the same encoder as the detail pages.
    /// </summary>
    private static void AppendJsonString(Utf8Builder b, string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                var buffer = new ArrayBufferWriter<byte>(s.Length * 2 + 2);
                using (var w = new Utf8JsonWriter(buffer, SimpleJsonRenderer.WriterOptions)) w.WriteStringValue(s);
                b.Append(buffer.WrittenSpan);
                return;
            }
        }
        b.Append("\""u8).Append(s).Append("\""u8);
    }
}

/// <summary>An immutable view of the whole root listing, streamed to clients as head, segments, tail.</summary>
public sealed class RootSnapshot
{
    public RootSnapshot(RootSegment[] segments, long serial)
    {
        Segments = segments;
        Serial = serial;
        JsonHead = Encoding.UTF8.GetBytes(
            $"{{\"meta\":{{\"_last-serial\":{serial.ToString(CultureInfo.InvariantCulture)},\"api-version\":\"{SimpleApi.ApiVersion}\"}},\"projects\":[");
        UInt128 html = 0, json = XxHash128.HashToUInt128(JsonHead);
        long htmlLength = SimpleHtmlRenderer.RootHead.Length + SimpleHtmlRenderer.RootTail.Length;
        long jsonLength = JsonHead.Length + JsonTail.Length + Math.Max(0, segments.Length - 1);
        foreach (var s in segments)
        {
            html += s.HtmlHash;
            json += s.JsonHash;
            htmlLength += s.Html.Length;
            jsonLength += s.Json.Length;
            Count += s.Entries.Length;
        }
        HtmlLength = htmlLength;
        JsonLength = jsonLength;
        HtmlETag = $"\"r{html:x32}\"";
        VendorHtmlETag = $"\"r{html:x32}-v1\"";
        JsonETag = $"\"r{json:x32}\"";
        SerialText = serial.ToString(CultureInfo.InvariantCulture);
    }

    private static readonly byte[] JsonTail = "]}"u8.ToArray();

    public RootSegment[] Segments { get; }
    public long Serial { get; }
    public string SerialText { get; }
    public int Count { get; }
    public byte[] JsonHead { get; }
    public long HtmlLength { get; }
    public long JsonLength { get; }
    public string HtmlETag { get; }
    public string VendorHtmlETag { get; }
    public string JsonETag { get; }

    public long LengthOf(SimpleFormat format) => format == SimpleFormat.Json ? JsonLength : HtmlLength;

    public string ETagFor(string mediaType) => mediaType switch
    {
        SimpleApi.V1Json => JsonETag,
        SimpleApi.V1Html => VendorHtmlETag,
        _ => HtmlETag,
    };

    /// <summary>Writes the listing, flushing every so often so a slow client holds back the writer instead of filling memory.</summary>
    public async Task WriteAsync(PipeWriter writer, SimpleFormat format, CancellationToken ct)
    {
        var json = format == SimpleFormat.Json;
        writer.Write(json ? JsonHead : SimpleHtmlRenderer.RootHead);
        for (var i = 0; i < Segments.Length; i++)
        {
            if (json && i > 0) writer.Write(","u8);
            writer.Write(json ? Segments[i].Json : Segments[i].Html);
            if (writer.UnflushedBytes > 256 * 1024)
            {
                var flush = await writer.FlushAsync(ct);
                if (flush.IsCanceled || flush.IsCompleted) return;
            }
        }
        writer.Write(json ? JsonTail : SimpleHtmlRenderer.RootTail);
        await writer.FlushAsync(ct);
    }

    /// <summary>The whole body at once (tests, small listings).</summary>
    public byte[] ToArray(SimpleFormat format)
    {
        using var ms = new MemoryStream();
        var writer = PipeWriter.Create(ms);
        WriteAsync(writer, format, CancellationToken.None).GetAwaiter().GetResult();
        writer.Complete();
        return ms.ToArray();
    }
}
