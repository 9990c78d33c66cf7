using System.Text.Json;

namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// Reads an operator's protected-name file: one name per line (blank lines and <c>#</c> comments ignored), or
/// JSON in the shape of the public top-PyPI-packages data set (<c>{"rows": [{"project": "boto3", ...}]}</c>),
/// a JSON array of names, or an array of such row objects. Names keep the file's order, which is their rank.
/// </summary>
public static class ProtectedNameList
{
    /// <summary>The names in <paramref name="path"/>, the first <paramref name="limit"/> only when it is positive.</summary>
    /// <exception cref="InvalidDataException">The file looks like JSON but is not in a supported shape.</exception>
    public static IReadOnlyList<string> Read(string path, int limit = 0)
    {
        var text = File.ReadAllText(path);
        var names = text.TrimStart() is ['{' or '[', ..] ? FromJson(text, path) : FromLines(text);
        return limit > 0 && names.Count > limit ? names.Take(limit).ToList() : names;
    }

    private static List<string> FromLines(string text)
    {
        var names = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var hash = raw.IndexOf('#');
            var line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length > 0)
            {
                names.Add(line);
            }
        }

        return names;
    }

    private static List<string> FromJson(string text, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            var rows = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("rows", out var r) ? r : root;
            if (rows.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{path}: expected an array of names or an object with a \"rows\" array.");
            }

            var names = new List<string>(rows.GetArrayLength());
            foreach (var row in rows.EnumerateArray())
            {
                var name = row.ValueKind switch
                {
                    JsonValueKind.String => row.GetString(),
                    JsonValueKind.Object when row.TryGetProperty("project", out var p) && p.ValueKind == JsonValueKind.String => p.GetString(),
                    _ => throw new InvalidDataException($"{path}: every row must be a name or an object with a \"project\" string."),
                };
                names.Add(name!);
            }

            return names;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({ex.Message}).", ex);
        }
    }
}
