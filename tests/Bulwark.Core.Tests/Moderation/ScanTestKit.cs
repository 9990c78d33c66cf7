using Bulwark.Core.Moderation.Scanning;

namespace Bulwark.Core.Tests.Moderation;

/// <summary>Scans small in-memory distributions for the rule tests.</summary>
internal static class ScanTestKit
{
    private static readonly DistributionScanner Scanner = new();

    /// <summary>A wheel holding <paramref name="files"/>.</summary>
    public static ScanReport Wheel(params (string Path, string Content)[] files) =>
        Scanner.Scan(new MemoryStream(SampleArchives.Wheel("pkg", SampleArchives.Files(files))), "pkg-1.0-py3-none-any.whl");

    /// <summary>An sdist holding <paramref name="files"/> (paths inside its top-level directory).</summary>
    public static ScanReport Sdist(params (string Path, string Content)[] files) =>
        Scanner.Scan(new MemoryStream(SampleArchives.Sdist("pkg", SampleArchives.Files(files))), "pkg-1.0.tar.gz");

    /// <summary>An sdist whose setup.py is <paramref name="source"/>.</summary>
    public static ScanReport SetupPy(string source) => Sdist(("setup.py", source));

    /// <summary>A wheel whose package initialiser is <paramref name="source"/>.</summary>
    public static ScanReport Init(string source) => Wheel(("pkg/__init__.py", source));

    /// <summary>A wheel with <paramref name="source"/> as a library module (its code in functions runs only when called).</summary>
    public static ScanReport Library(string source) => Wheel(("pkg/__init__.py", ""), ("pkg/helpers.py", source));

    public static void Has(ScanReport report, string rule) =>
        Assert.True(report.Findings.Any(f => f.Rule == rule), $"expected {rule}; got {Describe(report)}");

    public static void HasNot(ScanReport report, string rule) =>
        Assert.False(report.Findings.Any(f => f.Rule == rule), $"did not expect {rule}; got {Describe(report)}");

    public static void Clean(ScanReport report) =>
        Assert.True(report.Verdict == ScanVerdict.Clean, $"expected clean; got {Describe(report)}");

    public static void Flagged(ScanReport report) =>
        Assert.True(report.Verdict != ScanVerdict.Clean, $"expected a flag; got {Describe(report)}");

    private static string Describe(ScanReport report) =>
        $"{report.Verdict} {report.Score}: " + string.Join("; ", report.Findings.Select(f => $"{f.Rule}({f.Score}) {f.Path}:{f.Line} {f.Evidence}"));
}
