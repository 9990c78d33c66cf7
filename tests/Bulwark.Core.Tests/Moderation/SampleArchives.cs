using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Bulwark.Core.Tests.Moderation;

/// <summary>
/// Builds distributions in memory: from a sample directory of Moderation/Samples (SAMPLE says sdist or wheel,
/// files/ holds the tree), or from a dictionary of member paths and contents. bench/detection/build_samples.py
/// builds the same archives on disk for the corpus measurement.
/// </summary>
internal static class SampleArchives
{
    public static string SamplesRoot => Path.Combine(AppContext.BaseDirectory, "Moderation", "Samples");

    public static IEnumerable<string> SampleIds(string set) =>
        Directory.GetDirectories(Path.Combine(SamplesRoot, set)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>The distribution built from sample <paramref name="id"/> of <paramref name="set"/> (malicious or legitimate).</summary>
    public static (byte[] Bytes, string Filename) FromSample(string set, string id)
    {
        var directory = Path.Combine(SamplesRoot, set, id);
        var kind = File.ReadAllLines(Path.Combine(directory, "SAMPLE")).First(l => l.StartsWith("kind:", StringComparison.Ordinal))[5..].Trim();
        var filesRoot = Path.Combine(directory, "files");
        var files = Directory.GetFiles(filesRoot, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(filesRoot, f).Replace('\\', '/'), File.ReadAllBytes);
        var name = "s_" + id.Replace('-', '_');
        return kind == "wheel" ? (Wheel(name, files), $"{name}-1.0-py3-none-any.whl") : (Sdist(name, files), $"{name}-1.0.tar.gz");
    }

    public static byte[] Wheel(string name, IReadOnlyDictionary<string, byte[]> files)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            var all = new Dictionary<string, byte[]>(files)
            {
                [$"{name}-1.0.dist-info/METADATA"] = Encoding.UTF8.GetBytes($"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"),
                [$"{name}-1.0.dist-info/WHEEL"] = "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"u8.ToArray(),
                [$"{name}-1.0.dist-info/RECORD"] = [],
            };
            foreach (var (path, content) in all)
            {
                using var entry = zip.CreateEntry(path).Open();
                entry.Write(content);
            }
        }

        return memory.ToArray();
    }

    public static byte[] Sdist(string name, IReadOnlyDictionary<string, byte[]> files)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            var all = new Dictionary<string, byte[]>(files)
            {
                ["PKG-INFO"] = Encoding.UTF8.GetBytes($"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"),
            };
            foreach (var (path, content) in all)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{name}-1.0/{path}") { DataStream = new MemoryStream(content) };
                tar.WriteEntry(entry);
            }
        }

        return memory.ToArray();
    }

    public static Dictionary<string, byte[]> Files(params (string Path, string Content)[] files) =>
        files.ToDictionary(f => f.Path, f => Encoding.UTF8.GetBytes(f.Content));
}
