using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Core.Packaging;
using Bulwark.Core.Text;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// Reads an upstream's project page: PEP 691 JSON, or PEP 503 HTML anchors with their <c>data-*</c> attributes
/// (PEP 592 yanks, PEP 658/714 metadata, <c>data-requires-python</c>). What cannot be verified or attributed is
/// dropped, not passed on: files without a sha256 (nothing to check the bytes against), names other than a
/// wheel or sdist of this project (an upstream page listing <c>other-1.0.whl</c> under <c>requests</c> must
/// not smuggle it in), URLs that are not http or https.
/// </summary>
public static partial class UpstreamPageParser
{
    public static UpstreamListing ParseJson(string normalizedName, Uri pageUri, ReadOnlySpan<byte> body)
    {
        using var doc = JsonDocument.Parse(body.ToArray());
        var files = new List<UpstreamFile>();
        if (doc.RootElement.TryGetProperty("files", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in list.EnumerateArray())
            {
                if (f.ValueKind != JsonValueKind.Object) continue;
                var sha = f.TryGetProperty("hashes", out var hashes) ? JsonText.StringOrNull(hashes, "sha256") : null;
                var (yanked, reason) = f.TryGetProperty("yanked", out var y) ? y.ValueKind switch
                {
                    JsonValueKind.True => (true, (string?)null),
                    JsonValueKind.String => (true, JsonText.StringOrNull(f, "yanked")),
                    _ => (false, null),
                } : (false, null);
                var file = Build(normalizedName, pageUri, Text(f, "filename"), Text(f, "url"), sha, Text(f, "requires-python"), yanked, reason,
                    MetadataHash(f, "core-metadata") ?? MetadataHash(f, "data-dist-info-metadata") ?? MetadataHash(f, "dist-info-metadata"),
                    f.TryGetProperty("size", out var size) && size.TryGetInt64(out var n) && n >= 0 ? n : null,
                    JsonText.StringOrNull(f, "upload-time") is { } t
                        && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : null);
                if (file is not null) files.Add(file);
            }
        }
        return new UpstreamListing(normalizedName, FromJson: true, files);

        // Strings that are not Unicode text (or hold NUL) are treated as absent: the file is then dropped like any incomplete entry.
        static string? Text(JsonElement e, string key) => JsonText.StringOrNull(e, key);

        // PEP 714: true (no hash), false, or a dictionary of hashes. Without a sha256 the metadata file could
        // not be verified, so it is not offered (pip then reads the metadata from the wheel itself).
        static string? MetadataHash(JsonElement e, string key) =>
            e.TryGetProperty(key, out var v) ? JsonText.StringOrNull(v, "sha256") : null;
    }

    public static UpstreamListing ParseHtml(string normalizedName, Uri pageUri, string body)
    {
        var files = new List<UpstreamFile>();
        foreach (Match anchor in Anchor().Matches(body))
        {
            var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (Match a in Attribute().Matches(anchor.Groups["attrs"].Value))
            {
                var value = a.Groups["dq"].Success ? a.Groups["dq"].Value : a.Groups["sq"].Success ? a.Groups["sq"].Value : a.Groups["bare"].Value;
                attributes.TryAdd(a.Groups["name"].Value, WebUtility.HtmlDecode(value));
            }
            if (!attributes.TryGetValue("href", out var href)) continue;
            var hash = href.IndexOf('#');
            string? sha = null;
            if (hash >= 0)
            {
                var fragment = href[(hash + 1)..];
                if (fragment.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)) sha = fragment["sha256=".Length..];
                href = href[..hash];
            }
            var yanked = attributes.TryGetValue("data-yanked", out var reason);
            var metadata = attributes.GetValueOrDefault("data-core-metadata") ?? attributes.GetValueOrDefault("data-dist-info-metadata");
            var metadataSha = metadata is not null && metadata.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? metadata["sha256=".Length..] : null;
            var file = Build(normalizedName, pageUri, null, href, sha, attributes.GetValueOrDefault("data-requires-python"), yanked,
                string.IsNullOrEmpty(reason) ? null : reason, metadataSha, null, null);
            if (file is not null) files.Add(file);
        }
        return new UpstreamListing(normalizedName, FromJson: false, files);
    }

    private static UpstreamFile? Build(string normalizedName, Uri pageUri, string? filename, string? url, string? sha256, string? requiresPython,
        bool yanked, string? yankedReason, string? metadataSha256, long? size, DateTimeOffset? uploadTime)
    {
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(pageUri, url, out var absolute) || absolute.Scheme is not ("http" or "https")) return null;
        if (!IsSha256(sha256)) return null;
        var fromUrl = Uri.UnescapeDataString(absolute.AbsolutePath[(absolute.AbsolutePath.LastIndexOf('/') + 1)..]);
        filename ??= fromUrl;
        // The stored name becomes a blob path segment and a URL segment: one plain name, nothing else.
        if (filename.Length is 0 or > 255 || filename.IndexOfAny(['/', '\\', '\0']) >= 0 || filename is "." or "..") return null;
        ParsedDistributionFilename? parsed = WheelFilename.TryParse(filename, out var wheel, out _) ? wheel
            : SdistFilename.TryParse(filename, out var sdist) ? sdist : null;
        if (parsed is null || parsed.NormalizedName != normalizedName) return null;
        return new UpstreamFile(filename, absolute.AbsoluteUri, sha256!.ToLowerInvariant(), parsed.Version,
            string.IsNullOrWhiteSpace(requiresPython) ? null : requiresPython.Trim(), yanked, yanked ? yankedReason : null,
            IsSha256(metadataSha256) ? metadataSha256!.ToLowerInvariant() : null, size, uploadTime);
    }

    private static bool IsSha256(string? s) => s is { Length: 64 } && s.All(char.IsAsciiHexDigit);

    [GeneratedRegex(@"<a\s(?<attrs>[^>]*)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Anchor();

    // A value-less attribute (<c>data-yanked</c> alone) is present with an empty value, as in HTML.
    [GeneratedRegex(@"(?<name>[a-zA-Z][a-zA-Z0-9_:.-]*)(?:\s*=\s*(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?<bare>[^\s""'>]+)))?", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Attribute();
}
