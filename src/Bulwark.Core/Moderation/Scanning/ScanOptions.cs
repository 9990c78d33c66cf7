using System.ComponentModel.DataAnnotations;

namespace Bulwark.Core.Moderation.Scanning;

/// <summary>
/// The <c>Bulwark:Scanning</c> section: the caps that bound the scan's time and memory whatever an archive holds,
/// and the score thresholds of the verdicts.
/// </summary>
public sealed class ScanOptions
{
    public const string Section = "Bulwark:Scanning";

    private const long MiB = 1024 * 1024;

    /// <summary>Most bytes read from one member; longer files are scanned up to here and reported as cut short.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxFileBytes { get; set; } = (int)(8 * MiB);

    /// <summary>Most member bytes read (decompressed) from one distribution; the rest is left unscanned and reported.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxTotalBytes { get; set; } = 512 * MiB;

    /// <summary>Most bytes a compressed tar stream is inflated to while looking for members (skipped data counts too).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxInflatedBytes { get; set; } = 2048 * MiB;

    /// <summary>Most archive members looked at.</summary>
    [Range(1, int.MaxValue)]
    public int MaxMembers { get; set; } = Packaging.Archives.ArchiveLimits.Default.MaxMembers;

    /// <summary>Most tokens read from one file (a file of a million tokens is already larger than any sane module).</summary>
    [Range(1000, int.MaxValue)]
    public int MaxTokensPerFile { get; set; } = 2_000_000;

    /// <summary>How many times an encoded payload found inside an <c>exec</c> is decoded and scanned in turn.</summary>
    [Range(0, 10)]
    public int MaxPayloadDepth { get; set; } = 3;

    /// <summary>Score from which a distribution is suspicious.</summary>
    [Range(1, 100)]
    public int SuspiciousScore { get; set; } = 40;

    /// <summary>
    /// <c>Bulwark:Scanning:Malicious</c>: what an upload the scan finds malicious gets: <c>Hold</c> (stored with its
    /// release quarantined pending review, the default) or <c>Refuse</c> (a 400, nothing stored).
    /// </summary>
    public MaliciousUploadAction Malicious { get; set; } = MaliciousUploadAction.Hold;

    /// <summary>Score from which a distribution is malicious.</summary>
    [Range(1, 100)]
    public int MaliciousScore { get; set; } = 80;

    /// <summary>
    /// <c>Bulwark:Scanning:Enabled</c>: whether uploads are scanned (default true). Off only for an index whose
    /// uploads another scanner already vets, and to measure what the scan costs; the <c>scan</c> verb works either way.
    /// </summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>What happens to an upload the scan finds malicious (<see cref="ScanOptions.Malicious"/>).</summary>
public enum MaliciousUploadAction
{
    /// <summary>Stored, release quarantined, a report in the review queue.</summary>
    Hold = 0,

    /// <summary>Refused with a 400; nothing stored, no report.</summary>
    Refuse = 1,
}
