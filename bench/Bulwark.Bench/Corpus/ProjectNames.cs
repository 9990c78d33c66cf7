using System.Text.Json;
using Bulwark.Core.Packaging;

namespace Bulwark.Bench.Corpus;

/// <summary>A project of the corpus: its display name and a 30-day download count that drives its size.</summary>
public sealed record NamedProject(int Rank, string Name, string NormalizedName, long Downloads);

/// <summary>
/// Project names and download counts: PyPI's most downloaded projects first (read from the shared data file
/// at run time, never copied into the repository), then synthetic names made from words of the real ones,
/// with counts that continue the real distribution's power-law tail.
/// </summary>
public static class ProjectNames
{
    public static List<NamedProject> Load(string topPackagesJson, int count, int seed)
    {
        var result = new List<NamedProject>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(topPackagesJson)))
        {
            foreach (var row in doc.RootElement.GetProperty("rows").EnumerateArray())
            {
                if (result.Count == count) break;
                var name = row.GetProperty("project").GetString()!;
                if (!ProjectName.IsValid(name) || !seen.Add(ProjectName.Normalize(name))) continue;
                result.Add(new NamedProject(result.Count, name, ProjectName.Normalize(name), row.GetProperty("download_count").GetInt64()));
            }
        }
        if (result.Count == count) return result;

        var words = result.SelectMany(p => p.NormalizedName.Split('-'))
            .Where(w => w.Length is >= 3 and <= 12 && w.All(char.IsAsciiLetterLower))
            .Distinct().Order(StringComparer.Ordinal).ToArray();
        var random = new Random(seed);
        // Fit the tail: downloads fall roughly as rank^-s; continue from the last real project.
        var (lastRank, lastCount) = (result.Count, Math.Max(1, result[^1].Downloads));
        const double exponent = 1.1;
        while (result.Count < count)
        {
            var parts = random.Next(4) == 0 ? 3 : 2;
            var name = string.Join(random.Next(3) == 0 ? "_" : "-", Enumerable.Range(0, parts).Select(_ => words[random.Next(words.Length)]));
            if (random.Next(5) == 0) name += random.Next(2, 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var normalized = ProjectName.Normalize(name);
            if (!ProjectName.IsValid(name) || !seen.Add(normalized)) continue;
            var rank = result.Count + 1;
            var downloads = (long)Math.Max(1, lastCount * Math.Pow((double)lastRank / rank, exponent));
            result.Add(new NamedProject(result.Count, name, normalized, downloads));
        }
        return result;
    }
}
