namespace Bulwark.Core.Moderation;

/// <summary>
/// Incident response settings (<c>Bulwark:Moderation</c>): whom refused uploaders are told to contact, and the
/// thresholds of automatic quarantine (Warehouse's rule: a malware report from a trusted observer on a project
/// younger than a day, or malware reports from at least two people of whom one is trusted). Validated at
/// start; <see cref="Problems"/> names the key of every value out of range.
/// </summary>
public sealed class ModerationOptions
{
    public const string Section = "Bulwark:Moderation";

    /// <summary>Shown in refusals of quarantined projects ("contact ..."); defaults to the index administrators.</summary>
    public string? Contact { get; set; }

    /// <summary>Whether reports may quarantine anything without an administrator.</summary>
    public bool AutoQuarantine { get; set; } = true;

    /// <summary>A project younger than this is quarantined on one trusted malware report.</summary>
    public TimeSpan NewProjectAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Distinct reporters of malware on the same target that quarantine it at any age.</summary>
    public int DistinctReporters { get; set; } = 2;

    /// <summary>How many of those must be trusted observers.</summary>
    public int TrustedReporters { get; set; } = 1;

    /// <summary>
    /// The most reports one account may file in an hour (the report page and the observation API together). Reports
    /// e-mail administrators and can quarantine projects; a cap keeps one account, or a script holding its token,
    /// from flooding the queue or piling up reports against a project.
    /// </summary>
    public int ReportsPerHour { get; set; } = 10;

    public string ContactText => string.IsNullOrWhiteSpace(Contact) ? "the index administrators" : Contact.Trim();

    /// <summary>Every value out of range, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (NewProjectAge < TimeSpan.Zero || NewProjectAge > TimeSpan.FromDays(30))
        {
            problems.Add($"{Section}:NewProjectAge must be between 0 and 30 days.");
        }
        // One reporter alone never quarantines at any age: that would let anyone take a project down.
        if (DistinctReporters is < 2 or > 100) problems.Add($"{Section}:DistinctReporters must be between 2 and 100.");
        if (TrustedReporters < 1 || TrustedReporters > DistinctReporters)
        {
            problems.Add($"{Section}:TrustedReporters must be at least 1 and at most {Section}:DistinctReporters.");
        }
        if (ReportsPerHour is < 1 or > 10_000) problems.Add($"{Section}:ReportsPerHour must be between 1 and 10000.");
        if (Contact is { Length: > 200 }) problems.Add($"{Section}:Contact must be at most 200 characters.");
        return problems;
    }
}
