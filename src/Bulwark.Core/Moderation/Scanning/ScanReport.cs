namespace Bulwark.Core.Moderation.Scanning;

/// <summary>What the upload scan concluded about a distribution.</summary>
public enum ScanVerdict
{
    /// <summary>Nothing worth a review.</summary>
    Clean = 0,

    /// <summary>Worth a report in the review queue; the release stays up.</summary>
    Suspicious = 1,

    /// <summary>The release should be quarantined pending review (or refused, if configured).</summary>
    Malicious = 2,
}

/// <summary>
/// One thing the scan found: the rule, the member path inside the distribution, the 1-based line (0 for a
/// whole-file finding such as a bundled binary), the evidence an admin reads, and the points it added.
/// </summary>
public sealed record ScanFinding(string Rule, string Path, int Line, string Evidence, int Score);

/// <summary>The scan's answer for one distribution: verdict, score (0–100) and findings, strongest first.</summary>
public sealed record ScanReport(ScanVerdict Verdict, int Score, IReadOnlyList<ScanFinding> Findings)
{
    /// <summary>The verdict as the command line and reports spell it: clean, suspicious or malicious.</summary>
    public string VerdictText => Verdict switch
    {
        ScanVerdict.Malicious => "malicious",
        ScanVerdict.Suspicious => "suspicious",
        _ => "clean",
    };
}
