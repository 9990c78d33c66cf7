using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Bulwark.Bench.Corpus;

/// <summary>
/// Real, minimal distributions: a wheel is a zip with the package, METADATA, WHEEL and RECORD; an sdist is a
/// tar.gz with PKG-INFO and pyproject.toml. Bytes are deterministic for a given input, so a corpus can be
/// regenerated identically. Compression is the fastest level: 7 million of these are built for the scale run.
/// </summary>
public static class Distributions
{
    private static readonly DateTimeOffset FixedTime = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Escape(string normalizedName) => normalizedName.Replace('-', '_');

    public static string Metadata(string name, string version, string? requiresPython, string summary)
    {
        var sb = new StringBuilder(256);
        sb.Append("Metadata-Version: 2.1\nName: ").Append(name).Append("\nVersion: ").Append(version)
          .Append("\nSummary: ").Append(summary).Append('\n');
        if (requiresPython is not null) sb.Append("Requires-Python: ").Append(requiresPython).Append('\n');
        sb.Append("Description-Content-Type: text/markdown\n\n# ").Append(name).Append("\n\n").Append(summary).Append('\n');
        return sb.ToString();
    }

    /// <summary>A wheel with one module; <paramref name="fillerBytes"/> of incompressible data make it bigger when wanted.</summary>
    public static byte[] Wheel(string normalizedName, string version, string tag, string metadata, int fillerBytes = 0)
    {
        var pkg = Escape(normalizedName);
        var distInfo = $"{pkg}-{version}.dist-info";
        using var ms = new MemoryStream(1024 + fillerBytes);
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, $"{pkg}/__init__.py", Encoding.UTF8.GetBytes($"__version__ = \"{version}\"\n"));
            if (fillerBytes > 0)
            {
                var filler = new byte[fillerBytes];
                new Random(HashCode.Combine(normalizedName, version)).NextBytes(filler);
                Add(zip, $"{pkg}/_data.bin", filler, CompressionLevel.NoCompression);
            }
            Add(zip, $"{distInfo}/METADATA", Encoding.UTF8.GetBytes(metadata));
            Add(zip, $"{distInfo}/WHEEL", Encoding.UTF8.GetBytes($"Wheel-Version: 1.0\nGenerator: bulwark-bench\nRoot-Is-Purelib: true\nTag: {tag}\n"));
            Add(zip, $"{distInfo}/RECORD", Encoding.UTF8.GetBytes($"{pkg}/__init__.py,,\n{distInfo}/METADATA,,\n{distInfo}/WHEEL,,\n{distInfo}/RECORD,,\n"));
        }
        return ms.ToArray();
    }

    public static byte[] Sdist(string name, string normalizedName, string version, string metadata)
    {
        var root = $"{Escape(normalizedName)}-{version}";
        using var ms = new MemoryStream(1024);
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        // Ustar, not PAX: PAX headers carry access and change times of "now", and the bytes must be reproducible.
        using (var tar = new TarWriter(gz, TarEntryFormat.Ustar, leaveOpen: true))
        {
            AddTar(tar, $"{root}/PKG-INFO", metadata);
            AddTar(tar, $"{root}/pyproject.toml", $"[project]\nname = \"{name}\"\nversion = \"{version}\"\n");
            AddTar(tar, $"{root}/{Escape(normalizedName)}/__init__.py", "\n");
        }
        return ms.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] content, CompressionLevel level = CompressionLevel.Fastest)
    {
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = FixedTime;
        using var s = entry.Open();
        s.Write(content);
    }

    private static void AddTar(TarWriter tar, string name, string content)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            ModificationTime = FixedTime,
        };
        tar.WriteEntry(entry);
    }
}
