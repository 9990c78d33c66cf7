using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// The legacy JSON API (<c>/pypi/&lt;name&gt;/json</c>) of a proxied name, in two ways. <see cref="Rewrite"/> takes the
/// upstream's own document and keeps only the files the proxied page serves (same filename and sha256), with URLs
/// pointing at Bulwark, so the JSON never offers a file the simple page withholds or one Bulwark has not verified.
/// <see cref="Synthesise"/> builds the document from the proxied page alone when the upstream has no JSON API or
/// cannot be reached: files, yanks, <c>requires-python</c>, sizes and upload times as the page gave them, and an
/// <c>info</c> that says only what the page knows (the rest is null, never invented).
/// </summary>
public static class ProxiedJsonRenderer
{
    /// <summary>
    /// The upstream's document filtered and rewritten, or null when it cannot be used as is (not a JSON object, or its
    /// <c>info</c> describes a release the page withholds): the caller then synthesises.
    /// </summary>
    public static byte[]? Rewrite(byte[] upstreamJson, ProxiedPage page, string baseUrl)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(upstreamJson) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (root?["info"] is not JsonObject info || info["version"]?.GetValueKind() != JsonValueKind.String) return null;
        var served = page.Files.ToDictionary(f => f.Filename, StringComparer.Ordinal);
        if (root["releases"] is JsonObject releases)
        {
            foreach (var (version, files) in releases.ToList())
            {
                // A release with nothing Bulwark serves (withheld, or files it cannot verify) is left out entirely.
                if (files is not JsonArray list || !KeepServed(list, served, baseUrl)) releases.Remove(version);
            }
        }
        if (root["urls"] is not JsonArray urls || !KeepServed(urls, served, baseUrl)) return null;
        return Encode(root);
    }

    // Drops the entries Bulwark does not serve and points the rest at Bulwark; false when none is left.
    private static bool KeepServed(JsonArray files, Dictionary<string, UpstreamFile> served, string baseUrl)
    {
        for (var i = files.Count - 1; i >= 0; i--)
        {
            var entry = files[i] as JsonObject;
            var filename = entry?["filename"]?.GetValueKind() == JsonValueKind.String ? entry["filename"]!.GetValue<string>() : null;
            var sha256 = entry?["digests"]?["sha256"]?.GetValueKind() == JsonValueKind.String ? entry["digests"]!["sha256"]!.GetValue<string>() : null;
            if (entry is null || filename is null || !served.TryGetValue(filename, out var file) || !string.Equals(file.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
            {
                files.RemoveAt(i);
                continue;
            }
            entry["url"] = FileUrl(baseUrl, file);
        }
        return files.Count > 0;
    }

    /// <summary>The document built from the page: every served release (<paramref name="version"/> null) or one.</summary>
    public static byte[] Synthesise(ProxiedPage page, string? version, string baseUrl)
    {
        var releases = page.Files.GroupBy(f => f.Version, StringComparer.Ordinal)
            .Select(g => (Version: g.Key, Files: g.ToList()))
            .ToList();
        releases = IndexFormatting.SortByVersion(releases, r => r.Version);
        var info = version is null ? InfoRelease(releases) : releases.First(r => r.Version == version);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, SimpleJsonRenderer.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject("info"u8);
            // What a simple page cannot tell (summary, authors, dependencies, ...) is null: unknown, not empty.
            foreach (var unknown in UnknownInfoKeys) w.WriteNull(unknown);
            w.WriteString("name"u8, page.NormalizedName);
            w.WriteString("requires_python"u8, info.Files.Select(f => f.RequiresPython).FirstOrDefault(r => !string.IsNullOrEmpty(r)));
            w.WriteString("version"u8, info.Version);
            var yanked = info.Files.All(f => f.Yanked);
            w.WriteBoolean("yanked"u8, yanked);
            w.WriteString("yanked_reason"u8, yanked ? info.Files.Select(f => f.YankedReason).FirstOrDefault(r => !string.IsNullOrEmpty(r)) : null);
            w.WriteEndObject();
            w.WriteNumber("last_serial"u8, 0);
            if (version is null)
            {
                w.WriteStartObject("releases"u8);
                foreach (var r in releases)
                {
                    w.WriteStartArray(r.Version);
                    foreach (var f in r.Files) WriteFile(w, f, baseUrl);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteStartArray("urls"u8);
            foreach (var f in info.Files) WriteFile(w, f, baseUrl);
            w.WriteEndArray();
            w.WriteStartArray("vulnerabilities"u8);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static readonly string[] UnknownInfoKeys =
    [
        "author", "author_email", "classifiers", "description", "description_content_type", "home_page", "keywords", "license",
        "maintainer", "maintainer_email", "project_urls", "requires_dist", "summary",
    ];

    // As Warehouse picks it: the highest release that is neither yanked nor a pre-release, else the highest.
    private static (string Version, List<UpstreamFile> Files) InfoRelease(List<(string Version, List<UpstreamFile> Files)> ascending)
    {
        var best = ascending[0];
        foreach (var r in ascending)
        {
            if (Rank(r) <= Rank(best)) best = r;
        }
        return best;

        static int Rank((string Version, List<UpstreamFile> Files) r) =>
            (r.Files.All(f => f.Yanked) ? 2 : 0) + (Pep440Version.TryParse(r.Version, out var v) && v.IsPrerelease ? 1 : 0);
    }

    private static void WriteFile(Utf8JsonWriter w, UpstreamFile f, string baseUrl)
    {
        var wheel = WheelFilename.TryParse(f.Filename, out var parsed, out _) ? parsed : null;
        w.WriteStartObject();
        IndexFormatting.WriteJsonApiMetadata(w, f.MetadataSha256);
        w.WriteStartObject("digests"u8);
        w.WriteString("sha256"u8, f.Sha256);
        w.WriteEndObject();
        w.WriteNumber("downloads"u8, -1);
        w.WriteString("filename"u8, f.Filename);
        w.WriteString("packagetype"u8, wheel is null ? "sdist" : "bdist_wheel");
        w.WriteString("python_version"u8, wheel is null ? "source" : string.Join('.', wheel.PythonTags));
        w.WriteString("requires_python"u8, string.IsNullOrEmpty(f.RequiresPython) ? null : f.RequiresPython);
        if (f.Size is { } size) w.WriteNumber("size"u8, size);
        else w.WriteNull("size"u8);
        w.WriteString("upload_time"u8, f.UploadTime is { } t ? IndexFormatting.LegacyUtc(t) : null);
        w.WriteString("upload_time_iso_8601"u8, f.UploadTime is { } iso ? IndexFormatting.IsoUtc(iso) : null);
        w.WriteString("url"u8, FileUrl(baseUrl, f));
        w.WriteBoolean("yanked"u8, f.Yanked);
        w.WriteString("yanked_reason"u8, f.Yanked && !string.IsNullOrEmpty(f.YankedReason) ? f.YankedReason : null);
        w.WriteEndObject();
    }

    private static string FileUrl(string baseUrl, UpstreamFile f) => $"{baseUrl}/{IndexFormatting.FilePath(f.BlobPath)}";

    private static byte[] Encode(JsonObject root)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, SimpleJsonRenderer.WriterOptions)) root.WriteTo(w);
        return buffer.WrittenSpan.ToArray();
    }
}
