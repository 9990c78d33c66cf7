using System.Text.Json;
using Bulwark.Core.Data;
using Bulwark.Core.Moderation.Scanning;
using Bulwark.Core.Moderation.Typosquats;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Moderation.Reports;

/// <summary>What a detector files: the report's kind and summary, and the finding with its typed details.</summary>
/// <param name="Detector">Which detector (<c>scan</c>, <c>typosquat</c>), as the queue shows it.</param>
/// <param name="Details">The finding's own details, stored as JSON (<see cref="TyposquatFindingDetails"/>, a list of <see cref="ScanFindingDetails"/>).</param>
public sealed record DetectorReport(ReportKind Kind, string Detector, string Summary, object Details, string? Version = null, string? Filename = null, double? Score = null);

/// <summary>The typosquat check's finding: its verdict, the protected name the project resembles and the rule.</summary>
public sealed record TyposquatFindingDetails(string Verdict, string? SimilarTo, string? Rule);

/// <summary>One finding of the upload scan: the rule, the file in the distribution, the line and the evidence.</summary>
public sealed record ScanFindingDetails(string Rule, string Path, int Line, string Evidence);

/// <summary>One line of a finding as the review queue shows it.</summary>
public sealed record FindingLine(string Rule, string? Path, int? Line, string Evidence);

/// <summary>
/// Files what an automatic detector found (the typosquat hold, <c>names sweep</c>, the upload scan): a report in
/// the review queue, without a reporter, and the finding next to it. Added to the caller's unit of work, which
/// saves (a detector acting inside an upload's or a creation's transaction files nothing if that rolls back).
/// </summary>
public sealed class DetectorReports(BulwarkDbContext db, TimeProvider time)
{
    /// <summary>Adds the report and the finding about <paramref name="project"/>; the caller saves.</summary>
    public ProjectReport File(Project project, DetectorReport report) => File(project.Id, project.Name, report);

    /// <summary>Adds the report and the finding about the project <paramref name="projectId"/> (null: a proxied name with no local project); the caller saves.</summary>
    public ProjectReport File(long? projectId, string projectName, DetectorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        var filed = new ProjectReport
        {
            ProjectId = projectId,
            ProjectName = projectName,
            Version = report.Version,
            Kind = report.Kind,
            Summary = report.Summary,
            CreatedAt = now,
        };
        db.ProjectReports.Add(filed);
        db.ModerationFindings.Add(new ModerationFinding
        {
            ProjectId = projectId,
            ProjectName = projectName,
            Version = report.Version,
            Filename = report.Filename,
            Detector = report.Detector,
            Summary = report.Summary,
            Score = report.Score,
            Details = JsonSerializer.Serialize(report.Details, report.Details.GetType()),
            CreatedAt = now,
        });
        return filed;
    }

    /// <summary>
    /// The stored details of <paramref name="finding"/> as lines of rule, file, line and evidence (what the review
    /// queue shows); details of an unknown shape come back as one line holding the text, never as an error.
    /// </summary>
    public static IReadOnlyList<FindingLine> Lines(ModerationFinding finding)
    {
        if (string.IsNullOrWhiteSpace(finding.Details)) return [];
        try
        {
            switch (finding.Detector)
            {
                case UploadScanning.FindingDetector:
                    return (JsonSerializer.Deserialize<List<ScanFindingDetails>>(finding.Details) ?? [])
                        .Select(f => new FindingLine(f.Rule, f.Path, f.Line, f.Evidence)).ToList();
                case TyposquatHold.FindingDetector:
                    var t = JsonSerializer.Deserialize<TyposquatFindingDetails>(finding.Details);
                    if (t is null) break;
                    return [new FindingLine(t.Rule ?? "typosquat", null, null,
                        t.SimilarTo is null ? $"verdict {t.Verdict}" : $"resembles the protected project '{t.SimilarTo}' (verdict {t.Verdict})")];
            }
        }
        catch (JsonException)
        {
            // Shown as stored below: a finding written by an older or newer detector must not break the queue.
        }
        return [new FindingLine(finding.Detector, null, null, finding.Details)];
    }
}
