using System.ComponentModel.DataAnnotations;

namespace Bulwark.Core.Policies;

/// <summary>
/// The critical-project keys of the <c>Bulwark:Policy</c> section. Other policy keys of that section
/// (the 2FA mandates) bind to their own class; binding ignores keys it does not know.
/// </summary>
public sealed class CriticalProjectOptions
{
    public const string Section = "Bulwark:Policy";

    /// <summary>
    /// The cohort is the top this-many percent of the projects downloaded at least once in the window
    /// (rounded up, ties at the cut-off included). 0 turns the download-based cohort off; the
    /// always-critical list still applies.
    /// </summary>
    [Range(typeof(decimal), "0", "100", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal CriticalTopPercent { get; set; } = 1m;

    /// <summary>Length of the trailing window in whole UTC days; the current (partial) day is not part of it.</summary>
    [Range(1, 3660)]
    public int CriticalWindowDays { get; set; } = 180;

    /// <summary>
    /// A project needs at least this many downloads in the window to enter the cohort by downloads, so that
    /// on a small index "the most downloaded of ten projects" does not become critical on a handful of
    /// downloads. The floor removes projects from the cohort; it does not change how many are counted.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long CriticalMinDownloads { get; set; } = 1;

    /// <summary>
    /// Time maintainers have between the project becoming critical and the rules being enforced. The
    /// deadline is stored with the project when it becomes critical (it is what the e-mail promised), so a
    /// later change of this value applies to projects that become critical afterwards. Zero: at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public TimeSpan CriticalGracePeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the server recomputes the cohort. Zero turns the schedule off (the admin verb still works).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public TimeSpan CriticalRecomputeInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Delay between server start and the first scheduled recompute, so start-up is not slowed by it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public TimeSpan CriticalRecomputeFirstRunDelay { get; set; } = TimeSpan.FromMinutes(1);
}
