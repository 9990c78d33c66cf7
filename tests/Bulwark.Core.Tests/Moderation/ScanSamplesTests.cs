using Bulwark.Core.Moderation.Scanning;

namespace Bulwark.Core.Tests.Moderation;

/// <summary>
/// The committed corpus: every malicious sample (written from published descriptions of real PyPI attacks, see
/// each SAMPLE file) is flagged, and every legitimate sample (real files from Debian's packages, source named) is clean.
/// </summary>
public class ScanSamplesTests
{
    private static readonly DistributionScanner Scanner = new();

    public static TheoryData<string> Malicious() => new(SampleArchives.SampleIds("malicious"));

    public static TheoryData<string> Legitimate() => new(SampleArchives.SampleIds("legitimate"));

    [Theory]
    [MemberData(nameof(Malicious))]
    public void Malicious_sample_is_flagged(string id)
    {
        var (bytes, filename) = SampleArchives.FromSample("malicious", id);
        var report = Scanner.Scan(new MemoryStream(bytes), filename);
        Assert.True(report.Verdict != ScanVerdict.Clean, $"{id} scored {report.Score}: {string.Join("; ", report.Findings.Select(f => f.Rule))}");
        Assert.All(report.Findings, f => Assert.False(string.IsNullOrEmpty(f.Evidence)));
    }

    [Theory]
    [MemberData(nameof(Legitimate))]
    public void Legitimate_sample_is_clean(string id)
    {
        var (bytes, filename) = SampleArchives.FromSample("legitimate", id);
        var report = Scanner.Scan(new MemoryStream(bytes), filename);
        Assert.True(report.Verdict == ScanVerdict.Clean, $"{id} scored {report.Score}: {string.Join("; ", report.Findings.Select(f => $"{f.Rule} {f.Path}:{f.Line}"))}");
    }

    [Fact]
    public void The_corpus_has_at_least_sixty_malicious_samples() =>
        Assert.True(SampleArchives.SampleIds("malicious").Count() >= 60);
}
