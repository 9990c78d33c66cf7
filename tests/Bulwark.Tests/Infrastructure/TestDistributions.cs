using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Bulwark.Tests.Infrastructure;

/// <summary>Builds small but valid wheels and sdists in memory, the way build backends lay them out.</summary>
public static class TestDistributions
{
    public sealed record Spec(string Name, string Version)
    {
        public string? Summary { get; init; } = "A test package";
        public string? RequiresPython { get; init; }
        public IReadOnlyList<string> RequiresDist { get; init; } = [];
        public string MetadataVersion { get; init; } = "2.1";
        public string? Description { get; init; } = "# Hello\n\nA test package.";
        public string DescriptionContentType { get; init; } = "text/markdown";
        public string PythonTag { get; init; } = "py3";
        public string AbiTag { get; init; } = "none";
        public string PlatformTag { get; init; } = "any";
        public string? ExtraMetadata { get; init; }

        /// <summary>METADATA / PKG-INFO bytes to store instead of <see cref="Metadata"/> (invalid encodings, BOMs...).</summary>
        public byte[]? RawMetadata { get; init; }

        public string Prefix => Escape(Name) + "-" + Version;
        public string WheelFilename => $"{Prefix}-{PythonTag}-{AbiTag}-{PlatformTag}.whl";
        public string SdistFilename => $"{Prefix}.tar.gz";
    }

    private static readonly DateTimeOffset FixedTime = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Escape(string name) => Bulwark.Core.Packaging.ProjectName.Normalize(name).Replace('-', '_');

    public static string Metadata(Spec s)
    {
        var sb = new StringBuilder();
        sb.Append($"Metadata-Version: {s.MetadataVersion}\nName: {s.Name}\nVersion: {s.Version}\n");
        if (s.Summary is not null) sb.Append($"Summary: {s.Summary}\n");
        if (s.RequiresPython is not null) sb.Append($"Requires-Python: {s.RequiresPython}\n");
        foreach (var r in s.RequiresDist) sb.Append($"Requires-Dist: {r}\n");
        if (s.ExtraMetadata is not null) sb.Append(s.ExtraMetadata);
        sb.Append($"Description-Content-Type: {s.DescriptionContentType}\n\n");
        sb.Append(s.Description ?? "");
        return sb.ToString();
    }

    /// <summary>The members of the wheel <see cref="Wheel"/> builds, in order (for archives built by hand).</summary>
    public static List<(string Name, string Content)> WheelMembers(Spec s)
    {
        var pkg = Escape(s.Name);
        var distInfo = $"{s.Prefix}.dist-info";
        return
        [
            ($"{pkg}/__init__.py", $"__version__ = \"{s.Version}\"\n"),
            ($"{distInfo}/METADATA", Metadata(s)),
            ($"{distInfo}/WHEEL", $"Wheel-Version: 1.0\nGenerator: bulwark-tests\nRoot-Is-Purelib: true\nTag: {s.PythonTag}-{s.AbiTag}-{s.PlatformTag}\n"),
            ($"{distInfo}/RECORD", $"{pkg}/__init__.py,,\n{distInfo}/METADATA,,\n{distInfo}/WHEEL,,\n{distInfo}/RECORD,,\n"),
        ];
    }

    /// <summary>The members of the sdist <see cref="Sdist"/> builds, in order (for archives built by hand).</summary>
    public static List<(string Name, string Content)> SdistMembers(Spec s) =>
    [
        ($"{s.Prefix}/PKG-INFO", Metadata(s)),
        ($"{s.Prefix}/pyproject.toml", $"[project]\nname = \"{s.Name}\"\nversion = \"{s.Version}\"\n"),
        ($"{s.Prefix}/{Escape(s.Name)}/__init__.py", "\n"),
    ];

    public static byte[] Wheel(Spec s)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in WheelMembers(s)) Add(zip, name, name.EndsWith("/METADATA", StringComparison.Ordinal) ? MetadataBytes(s) : Encoding.UTF8.GetBytes(content));
        }
        return ms.ToArray();
    }

    public static byte[] Sdist(Spec s) => Sdist(s, []);

    /// <summary>An sdist with <paramref name="extra"/> members after the usual ones (a setup.py, a bundled binary).</summary>
    public static byte[] Sdist(Spec s, IEnumerable<(string Name, string Content)> extra)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in SdistMembers(s).Concat(extra))
            {
                AddTar(tar, name, name.EndsWith("/PKG-INFO", StringComparison.Ordinal) ? MetadataBytes(s) : Encoding.UTF8.GetBytes(content));
            }
        }
        return ms.ToArray();
    }

    private static byte[] MetadataBytes(Spec s) => s.RawMetadata ?? Encoding.UTF8.GetBytes(Metadata(s));

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTime; // same spec, same bytes
        using var stream = entry.Open();
        stream.Write(content);
    }

    private static void AddTar(TarWriter tar, string name, byte[] content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(content),
            ModificationTime = FixedTime,
        };
        tar.WriteEntry(entry);
    }
}
