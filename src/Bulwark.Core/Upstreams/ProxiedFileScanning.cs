using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Moderation.Scanning;
using Bulwark.Core.Outcomes;
using Microsoft.Extensions.Logging;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// The malware scan of proxied distributions, by the same static scanner as uploads (<see cref="UploadScanning"/>):
/// run once per file, after the bytes were verified against the upstream's sha256 and before they are stored and
/// first served. A malicious file gets its proxied release quarantined (<see cref="ProxiedQuarantine"/>) with a
/// report in the review queue; a suspicious one gets a report and is served. An upstream is someone else's
/// index, so its files get at least the scrutiny a local upload gets.
/// </summary>
public sealed class ProxiedFileScanning(UploadScanning scanning, ProxiedQuarantine quarantine, BulwarkDbContext db, ILogger<ProxiedFileScanning> log)
{
    /// <summary>Who files the report and quarantines the release (no user: the detector).</summary>
    public static readonly Actor Detector = new("upstream-scan", "bulwark upstream scan");

    /// <summary>
    /// Scans the verified file at <paramref name="path"/> and records what the verdict calls for. Success: serve it.
    /// <see cref="RefusalKind.Forbidden"/>: the release is quarantined, so the file may be stored (it is held, not
    /// served) but this request is refused. Any other refusal: the quarantine could not be recorded, so the file
    /// must not even be stored (a stored file counts as scanned).
    /// </summary>
    public async Task<Outcome> CheckAsync(string normalizedName, string version, string filename, string path, CancellationToken ct)
    {
        var scan = scanning.Scan(path, filename);
        if (scan.Verdict == ScanVerdict.Clean) return Outcome.Ok();
        var malicious = scan.Verdict == ScanVerdict.Malicious;
        var summary = scanning.AddReport(null, normalizedName, version, filename, scan, "The scan of proxied files",
            malicious ? "The proxied release is quarantined pending review." : "The proxied release stays served.");
        log.LogWarning("Proxied file {Filename} of {Project} scanned {Verdict} (score {Score}).", filename, normalizedName, scan.VerdictText, scan.Score);
        if (!malicious)
        {
            await db.SaveChangesAsync(ct);
            return Outcome.Ok();
        }

        // The report rows ride in the quarantine's transaction: both are kept, or neither. A release already
        // quarantined (another instance scanned the same file at the same moment) only needs the report.
        var rule = scan.Findings.Count > 0 ? scan.Findings[0].Rule : null;
        var held = await quarantine.QuarantineAsync(normalizedName, [version], Shorten(summary), Detector, ct, rule is null ? "scan" : $"scan: {rule}");
        if (!held.TryGetValue(out _, out var refusal))
        {
            await db.SaveChangesAsync(ct);
            if (refusal.Kind != RefusalKind.Conflict)
            {
                log.LogError("Quarantining the proxied {Project} {Version} failed: {Reason}", normalizedName, version, refusal.Message);
                return Refusal.Unavailable($"'{filename}' was found malicious by Bulwark's scan and could not be quarantined; it is not served.");
            }
        }
        return Refusal.Forbidden($"'{filename}' was found malicious by Bulwark's scan (score {scan.Score}"
            + (rule is null ? "" : $", {rule}") + "); the release is quarantined pending review.");
    }

    private static string Shorten(string summary) =>
        summary.Length <= Moderation.ProjectQuarantine.MaxReasonLength ? summary : summary[..(Moderation.ProjectQuarantine.MaxReasonLength - 1)] + "…";
}
