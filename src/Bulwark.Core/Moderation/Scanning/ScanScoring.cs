namespace Bulwark.Core.Moderation.Scanning;

/// <summary>
/// Turns findings into a score and a verdict. Within a file each rule counts once, at its strongest; the
/// distribution scores as its worst file plus half of every other file that scored at least
/// <see cref="CorroborationFloor"/> (independent evidence in two places is worth more than one), capped at 100.
/// Weak signals (below the floor) in other files never add up: a large library is not suspicious for being large.
/// </summary>
internal static class ScanScoring
{
    private const int CorroborationFloor = 25;
    private const int MaxFindings = 100;

    public static ScanReport Combine(List<ScanFinding> findings, ScanOptions options)
    {
        var perFile = findings
            .GroupBy(f => f.Path, StringComparer.Ordinal)
            .Select(file => file.GroupBy(f => f.Rule, StringComparer.Ordinal).Sum(rule => rule.Max(f => f.Score)))
            .OrderDescending()
            .ToList();
        var score = perFile.Count == 0 ? 0 : perFile[0] + perFile.Skip(1).Where(s => s >= CorroborationFloor).Sum() / 2;
        score = Math.Min(score, 100);
        var verdict = score >= options.MaliciousScore ? ScanVerdict.Malicious
            : score >= options.SuspiciousScore ? ScanVerdict.Suspicious
            : ScanVerdict.Clean;
        var shown = findings
            .DistinctBy(f => (f.Rule, f.Path, f.Line))
            .OrderByDescending(f => f.Score).ThenBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Line)
            .Take(MaxFindings)
            .ToList();
        return new ScanReport(verdict, score, shown);
    }
}
