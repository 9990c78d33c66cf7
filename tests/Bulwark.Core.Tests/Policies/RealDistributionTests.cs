using System.Text.Json;
using Bulwark.Core.Policies;

namespace Bulwark.Core.Tests.Policies;

/// <summary>
/// The cohort on the real shape of PyPI downloads: ../shared/data/top-pypi-packages.json (the 15,000 most
/// downloaded projects). Read at run time from next to the repository; a missing file fails the test.
/// </summary>
public sealed class RealDistributionTests
{
    private static readonly DownloadWindow Window = new(new DateOnly(2025, 1, 2), new DateOnly(2025, 7, 1));

    private static IReadOnlyList<(string Project, long Downloads)> Rows { get; } = Load();

    private static List<(string, long)> Load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "top-pypi-packages.json"));
        Assert.True(File.Exists(path), $"The download distribution is expected at {path}.");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => (r.GetProperty("project").GetString()!, r.GetProperty("download_count").GetInt64()))
            .ToList();
    }

    private static List<ProjectDownloads> Totals() => Rows.Select((r, i) => new ProjectDownloads(i + 1, r.Downloads)).ToList();

    [Fact]
    public void One_percent_of_fifteen_thousand_projects_is_the_top_150()
    {
        Assert.Equal(15_000, Rows.Count);
        var snapshot = CriticalCohort.Compute(Totals(), 1m, 1, Window, CohortState.Empty);
        Assert.Equal(15_000, snapshot.Population);
        Assert.Equal(150, snapshot.TargetSize);

        var expected = Rows.OrderByDescending(r => r.Downloads).ToList();
        var cutOff = expected[149].Downloads;
        Assert.Equal(cutOff, snapshot.CutOff);
        // Ties at the 150th place would all be in; the real data has none, so exactly 150.
        var tiedBeyond = expected.Skip(150).Count(r => r.Downloads == cutOff);
        Assert.Equal(150 + tiedBeyond, snapshot.ByDownloads.Count);
        Assert.Equal(150, snapshot.ByDownloads.Count);

        var names = snapshot.ByDownloads.Select(m => Rows[(int)m.ProjectId - 1].Project).ToHashSet();
        Assert.Contains("boto3", names);
        Assert.Equal(expected.Take(150).Select(r => r.Project).ToHashSet(), names);
        Assert.DoesNotContain(expected[150].Project, names);
        Assert.Equal(Enumerable.Range(1, 150), snapshot.ByDownloads.Select(m => m.Rank!.Value));
    }

    [Fact]
    public void A_floor_between_ranks_cuts_the_cohort_there()
    {
        var sorted = Rows.Select(r => r.Downloads).OrderDescending().ToList();
        var floor = sorted[99];
        var snapshot = CriticalCohort.Compute(Totals(), 1m, floor, Window, CohortState.Empty);
        Assert.Equal(150, snapshot.TargetSize);
        Assert.Equal(sorted.Count(d => d >= floor), snapshot.ByDownloads.Count);
        Assert.InRange(snapshot.ByDownloads.Count, 100, 101);
    }

    [Theory]
    [InlineData(0.1, 15)]
    [InlineData(2, 300)]
    [InlineData(0.01, 2)] // 1.5 rounds up
    public void Other_percentages_round_up_on_the_real_data(double percent, int expected)
    {
        var snapshot = CriticalCohort.Compute(Totals(), (decimal)percent, 1, Window, CohortState.Empty);
        Assert.Equal(expected, snapshot.TargetSize);
        Assert.Equal(expected, snapshot.ByDownloads.Count);
    }
}
