using System.Buffers;
using System.Text.Json;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Index;

/// <summary>
/// Renders the legacy JSON API in Warehouse's shape (keys sorted as Warehouse's serializer sorts them).
/// URLs are absolute, built from the configured public base URL, because JSON API clients do not resolve
/// relative URLs.
/// </summary>
public static class ProjectJsonRenderer
{
    public static byte[] Render(ProjectJson data, string baseUrl)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, SimpleJsonRenderer.WriterOptions))
        {
            var info = data.Info;
            var infoRelease = data.Releases.First(r => r.Id == info.Id);
            w.WriteStartObject();
            WriteInfo(w, data, info, baseUrl);
            w.WriteNumber("last_serial"u8, data.LastSerial);
            if (data.AllReleases)
            {
                w.WriteStartObject("releases"u8);
                foreach (var r in data.Releases)
                {
                    w.WriteStartArray(r.Version);
                    foreach (var f in r.Files) WriteFile(w, r, f, baseUrl);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteStartArray("urls"u8);
            foreach (var f in infoRelease.Files) WriteFile(w, infoRelease, f, baseUrl);
            w.WriteEndArray();
            // No vulnerability feed is wired in yet; an empty list is Warehouse's answer for "none known".
            w.WriteStartArray("vulnerabilities"u8);
            w.WriteEndArray();
            w.WriteStartObject("ownership"u8);
            w.WriteNull("organization"u8);
            w.WriteStartArray("roles"u8);
            foreach (var role in data.Roles)
            {
                w.WriteStartObject();
                w.WriteString("role"u8, role.Role);
                w.WriteString("user"u8, role.User);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteInfo(Utf8JsonWriter w, ProjectJson data, Release r, string baseUrl)
    {
        var projectUrl = $"{baseUrl}/project/{Uri.EscapeDataString(data.Name)}/";
        w.WriteStartObject("info"u8);
        w.WriteString("author"u8, r.Author);
        w.WriteString("author_email"u8, r.AuthorEmail);
        w.WriteNull("bugtrack_url"u8);
        WriteList(w, "classifiers"u8, r.Classifiers, nullWhenEmpty: false);
        // Not in Warehouse: whether the project is in the critical cohort (stricter account rules apply).
        w.WriteBoolean("critical"u8, data.Critical);
        w.WriteString("description"u8, r.Description);
        w.WriteString("description_content_type"u8, r.DescriptionContentType);
        w.WriteNull("docs_url"u8);
        w.WriteString("download_url"u8, r.DownloadUrl);
        w.WriteStartObject("downloads"u8);
        w.WriteNumber("last_day"u8, -1);
        w.WriteNumber("last_month"u8, -1);
        w.WriteNumber("last_week"u8, -1);
        w.WriteEndObject();
        WriteList(w, "dynamic"u8, r.Dynamic);
        w.WriteString("home_page"u8, r.HomePage);
        w.WriteString("keywords"u8, r.Keywords);
        w.WriteString("license"u8, r.License);
        w.WriteString("license_expression"u8, r.LicenseExpression);
        w.WriteNull("license_files"u8);
        w.WriteString("maintainer"u8, r.Maintainer);
        w.WriteString("maintainer_email"u8, r.MaintainerEmail);
        w.WriteString("name"u8, data.Name);
        w.WriteString("package_url"u8, projectUrl);
        w.WriteString("platform"u8, r.Platform);
        w.WriteString("project_url"u8, projectUrl);
        WriteProjectUrls(w, r.ProjectUrls);
        WriteList(w, "provides_extra"u8, r.ProvidesExtra);
        w.WriteString("release_url"u8, $"{projectUrl}{Uri.EscapeDataString(r.Version)}/");
        WriteList(w, "requires_dist"u8, r.RequiresDist);
        w.WriteString("requires_python"u8, r.RequiresPython);
        w.WriteString("summary"u8, r.Summary);
        w.WriteString("version"u8, r.Version);
        w.WriteBoolean("yanked"u8, r.Yanked);
        w.WriteString("yanked_reason"u8, string.IsNullOrEmpty(r.YankedReason) ? null : r.YankedReason);
        w.WriteEndObject();
    }

    private static void WriteFile(Utf8JsonWriter w, JsonRelease r, JsonFile f, string baseUrl)
    {
        w.WriteStartObject();
        // The upload form's comment is not stored.
        w.WriteNull("comment_text"u8);
        IndexFormatting.WriteJsonApiMetadata(w, f.MetadataSha256);
        w.WriteStartObject("digests"u8);
        w.WriteString("blake2b_256"u8, f.Blake2b256);
        w.WriteString("md5"u8, f.Md5);
        w.WriteString("sha256"u8, f.Sha256);
        w.WriteEndObject();
        w.WriteNumber("downloads"u8, -1);
        w.WriteString("filename"u8, f.Filename);
        w.WriteBoolean("has_sig"u8, false);
        w.WriteString("md5_digest"u8, f.Md5);
        w.WriteString("packagetype"u8, f.PackageType == PackageType.BdistWheel ? "bdist_wheel" : "sdist");
        w.WriteString("python_version"u8, f.PythonVersion);
        var requiresPython = f.RequiresPython ?? r.RequiresPython;
        w.WriteString("requires_python"u8, string.IsNullOrEmpty(requiresPython) ? null : requiresPython);
        w.WriteNumber("size"u8, f.Size);
        w.WriteString("upload_time"u8, IndexFormatting.LegacyUtc(f.UploadedAt));
        w.WriteString("upload_time_iso_8601"u8, IndexFormatting.IsoUtc(f.UploadedAt));
        w.WriteString("url"u8, $"{baseUrl}/{IndexFormatting.FilePath(f.BlobPath)}");
        w.WriteBoolean("yanked"u8, r.Yanked);
        w.WriteString("yanked_reason"u8, string.IsNullOrEmpty(r.YankedReason) ? null : r.YankedReason);
        w.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter w, ReadOnlySpan<byte> key, List<string> values, bool nullWhenEmpty = true)
    {
        if (values.Count == 0 && nullWhenEmpty)
        {
            w.WriteNull(key);
            return;
        }
        w.WriteStartArray(key);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary><c>Project-URL: Label, URL</c> entries become a label → URL object; null when there are none.</summary>
    private static void WriteProjectUrls(Utf8JsonWriter w, List<string> entries)
    {
        var pairs = new List<(string Label, string Url)>();
        foreach (var entry in entries)
        {
            var comma = entry.IndexOf(',');
            if (comma < 0) continue;
            pairs.Add((entry[..comma].Trim(), entry[(comma + 1)..].Trim()));
        }
        if (pairs.Count == 0)
        {
            w.WriteNull("project_urls"u8);
            return;
        }
        w.WriteStartObject("project_urls"u8);
        // A repeated label keeps its last URL, as a Python dict built from the list would.
        foreach (var group in pairs.GroupBy(p => p.Label, StringComparer.Ordinal))
        {
            w.WriteString(group.Key, group.Last().Url);
        }
        w.WriteEndObject();
    }
}
