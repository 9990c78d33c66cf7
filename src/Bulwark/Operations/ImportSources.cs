using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;

namespace Bulwark.Operations;

/// <summary>Where <c>import</c> finds files: a directory tree (pypiserver, devpi exports) or a simple-API index.</summary>
internal static partial class ImportSources
{
    /// <summary>
    /// Every distribution file under <paramref name="root"/>, sub-folders included, in a stable order; hidden files
    /// and folders are passed over, and <paramref name="ignored"/> counts the other files (signatures, listings).
    /// </summary>
    public static List<string> DirectoryFiles(string root, out int ignored)
    {
        var files = new List<string>();
        ignored = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true };
        foreach (var path in Directory.EnumerateFiles(root, "*", options).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) continue;
            if (Importer.IsDistributionName(Path.GetFileName(path))) files.Add(path);
            else ignored++;
        }
        return files;
    }

    private const string RootAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

    /// <summary>The project names an index lists at its root (PEP 691 JSON <c>projects[].name</c>, or PEP 503 anchors), normalized.</summary>
    public static async Task<Outcome<List<string>>> IndexProjectsAsync(HttpClient http, Uri root, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, root);
            request.Headers.TryAddWithoutValidation("Accept", RootAccept);
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK) return Refusal.Unavailable($"{root} answered {(int)response.StatusCode}; give the index's simple root, e.g. https://host/simple/.");
            var body = await response.Content.ReadAsStringAsync(ct);
            var names = response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true
                ? JsonNames(body)
                : Anchor().Matches(body).Select(m => WebUtility.HtmlDecode(m.Groups["text"].Value).Trim());
            return names.Where(n => n.Length > 0).Select(ProjectName.Normalize).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or TaskCanceledException)
        {
            return Refusal.Unavailable($"{root} could not be read: {e.Message}");
        }
    }

    private static IEnumerable<string> JsonNames(string body)
    {
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("projects", out var projects) || projects.ValueKind != JsonValueKind.Array) return [];
        return projects.EnumerateArray()
            .Select(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "")
            .ToList();
    }

    [GeneratedRegex("<a\\s[^>]*>(?<text>[^<]*)</a>", RegexOptions.IgnoreCase)]
    private static partial Regex Anchor();
}
