using System.Globalization;
using System.Text;
using Bulwark.Core.Packaging;

namespace Bulwark.Bench.Corpus;

public sealed record ReleaseRow(string Version, string CanonicalVersion, bool IsPrerelease, DateTimeOffset CreatedAt,
    bool Yanked, string? YankedReason, string? RequiresPython, string Summary, List<FileRow> Files);

public sealed record FileRow(string Filename, PackageType Type, string PythonVersion, string? RequiresPython, long Size,
    FileDigests Digests, FileDigests? MetadataDigests, DateTimeOffset UploadedAt)
{
    /// <summary>The bytes, kept only while a blob still has to be written.</summary>
    public byte[]? Content { get; set; }
    public byte[]? MetadataBytes { get; set; }
    public string BlobPath => Digests.BlobPath(Filename);
}

/// <summary>One project with everything it holds, ready for a loader.</summary>
public sealed record ProjectRows(NamedProject Project, DateTimeOffset CreatedAt, List<ReleaseRow> Releases, bool Critical)
{
    public long TotalSize => Releases.Sum(r => r.Files.Sum(f => f.Size));
    public int FileCount => Releases.Sum(r => r.Files.Count);
}

/// <summary>Builds a project's releases and real files, deterministically from its rank.</summary>
public static class ProjectBuilder
{
    private static readonly DateTimeOffset Epoch = new(2016, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] PlatformTags =
    [
        "manylinux_2_17_x86_64.manylinux2014_x86_64",
        "win_amd64",
        "macosx_11_0_arm64",
    ];

    public static ProjectRows Build(NamedProject p, ProjectShape shape, bool keepBytes, int fillerBytes)
    {
        var random = new Random(unchecked((int)CorpusPlan.Hash(p.Rank + 1)));
        var created = Epoch.AddSeconds(random.Next(0, 8 * 365 * 86400)).AddTicks(random.Next(0, 10_000_000) / 10 * 10);
        var requiresPython = random.Next(10) < 6 ? ">=3." + random.Next(7, 11).ToString(CultureInfo.InvariantCulture) : null;
        var summary = $"The {p.Name} project: synthetic benchmark data";
        var releases = new List<ReleaseRow>(shape.Versions);
        int major = 0, minor = 1, patch = 0;
        var time = created;
        for (var v = 0; v < shape.Versions; v++)
        {
            var roll = random.Next(100);
            if (v > 0)
            {
                if (roll < 4) { major++; minor = 0; patch = 0; }
                else if (roll < 25) { minor++; patch = 0; }
                else patch++;
            }
            var pre = v > 0 && v == shape.Versions - 1 && random.Next(8) == 0;
            var version = $"{major}.{minor}.{patch}" + (pre ? "rc1" : "");
            time = time.AddSeconds(random.Next(3600, 40 * 86400)).AddTicks(random.Next(0, 10_000_000) / 10 * 10);
            var yanked = random.Next(100) == 0;
            var files = new List<FileRow>(shape.FilesPerVersion);
            var metadata = Distributions.Metadata(p.Name, version, requiresPython, summary);
            var metadataBytes = Encoding.UTF8.GetBytes(metadata);
            var metadataDigests = FileDigests.Compute(metadataBytes);
            var prefix = $"{Distributions.Escape(p.NormalizedName)}-{version}";
            foreach (var platform in PlatformTags.Take(shape.PlatformWheels))
            {
                var tag = $"cp312-cp312-{platform}";
                files.Add(Wheel(p, version, prefix, tag, "cp312", requiresPython, metadata, metadataBytes, metadataDigests, time, keepBytes, fillerBytes));
            }
            if (shape.PureWheel)
            {
                files.Add(Wheel(p, version, prefix, "py3-none-any", "py3", requiresPython, metadata, metadataBytes, metadataDigests, time, keepBytes, fillerBytes));
            }
            if (shape.Sdist)
            {
                var bytes = Distributions.Sdist(p.Name, p.NormalizedName, version, metadata);
                files.Add(new FileRow(prefix + ".tar.gz", PackageType.Sdist, "source", requiresPython, bytes.Length, FileDigests.Compute(bytes), null, time.AddSeconds(1))
                {
                    Content = keepBytes ? bytes : null,
                });
            }
            releases.Add(new ReleaseRow(version, Pep440Version.TryParse(version, out var parsed) ? parsed!.CanonicalForm : version, pre, time,
                yanked, yanked && random.Next(2) == 0 ? "Broken build" : null, requiresPython, summary, files));
        }
        return new ProjectRows(p, created, releases, Critical: p.Rank < 100);
    }

    private static FileRow Wheel(NamedProject p, string version, string prefix, string tag, string pyversion, string? requiresPython,
        string metadata, byte[] metadataBytes, FileDigests metadataDigests, DateTimeOffset time, bool keepBytes, int fillerBytes)
    {
        var bytes = Distributions.Wheel(p.NormalizedName, version, tag, metadata, fillerBytes);
        return new FileRow($"{prefix}-{tag}.whl", PackageType.BdistWheel, pyversion, requiresPython, bytes.Length, FileDigests.Compute(bytes),
            metadataDigests, time)
        {
            Content = keepBytes ? bytes : null,
            MetadataBytes = keepBytes ? metadataBytes : null,
        };
    }
}
