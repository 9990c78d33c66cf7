using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Moderation.Scanning;

/// <summary>
/// The malware scan of every uploaded distribution, between the checks and the commit: <see cref="Scan"/> reads the
/// temp file (bounded by <see cref="ScanOptions"/>), <see cref="RecordAsync"/> turns a verdict that is not clean into
/// a report with its findings in the review queue, and quarantines the release of a malicious file in the upload's
/// own transaction, so the file is never installable.
/// </summary>
public sealed class UploadScanning(IndexWriter index, AuditLog audit, IOptions<ScanOptions> options, DetectorReports reports)
{
    /// <summary>Who files the report and quarantines the release (no user: the detector).</summary>
    public static readonly Actor Detector = new("upload-scan", "bulwark upload scan");

    /// <summary>The detector name of the scan's findings in the review queue.</summary>
    public const string FindingDetector = "scan";

    /// <summary>Whether uploads are scanned at all (<see cref="ScanOptions.Enabled"/>).</summary>
    public bool Enabled => options.Value.Enabled;

    /// <summary>Scans the uploaded file at <paramref name="path"/>; nothing in it is executed or extracted.</summary>
    public ScanReport Scan(string path, string filename)
    {
        using var stream = File.OpenRead(path);
        return new DistributionScanner(options.Value).Scan(stream, filename);
    }

    /// <summary>Whether the configuration refuses <paramref name="scan"/> outright instead of holding it.</summary>
    public bool Refuses(ScanReport scan) =>
        scan.Verdict == ScanVerdict.Malicious && scan.Findings.Count > 0 && options.Value.Malicious == MaliciousUploadAction.Refuse;

    /// <summary>Adds the report, the findings and (malicious) the quarantine of <paramref name="release"/>; the caller saves.</summary>
    public async Task RecordAsync(Project project, Release release, string filename, ScanReport scan, CancellationToken ct = default)
    {
        if (scan.Verdict == ScanVerdict.Clean) return;
        var malicious = scan.Verdict == ScanVerdict.Malicious;
        var summary = AddReport(project.Id, project.Name, release.Version, filename, scan, "The upload scan",
            malicious ? "The release is quarantined pending review." : "The release stays up.");
        var top = scan.Findings.Count > 0 ? scan.Findings[0] : null;
        if (!malicious || release.Lifecycle == ReleaseLifecycle.Quarantined) return;

        // Hold, not delete: a scan can be wrong, and an administrator's verdict either lifts the quarantine or removes it.
        release.Lifecycle = ReleaseLifecycle.Quarantined;
        await index.AppendAsync(project, "quarantine release", release.Version, ct: ct);
        audit.Record(AuditEventType.ReleasesQuarantined, Detector, null, project.Id,
            new QuarantineDetails(project.Name, [release.Version], summary, $"scan: {top?.Rule}"));
    }

    /// <summary>
    /// Files a malware report with the scan's finding (rule, file, line and evidence of each hit) for one file of
    /// <paramref name="projectName"/> (a local project, or a proxied name with no <paramref name="projectId"/>) and
    /// returns the report's summary; the caller saves. Nothing is filed for a clean verdict.
    /// </summary>
    public string AddReport(long? projectId, string projectName, string version, string filename, ScanReport scan, string scanner, string consequence)
    {
        var top = scan.Findings.Count > 0 ? scan.Findings[0] : null;
        var summary = $"{scanner} found {filename} {scan.VerdictText} (score {scan.Score}"
            + (top is null ? ")." : $"; {top.Rule} in {top.Path} line {top.Line}).") + " " + consequence;
        if (scan.Verdict == ScanVerdict.Clean) return summary;
        // The findings as the admins see them in the queue: rule, file, line and evidence each.
        reports.File(projectId, projectName, new DetectorReport(ReportKind.Malware, FindingDetector, summary,
            scan.Findings.Select(f => new ScanFindingDetails(f.Rule, f.Path, f.Line, f.Evidence)).ToList(),
            version, filename, scan.Score));
        return summary;
    }
}
