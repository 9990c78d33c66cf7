using System.Text.Json;
using Bulwark.Core.Policies;

namespace Bulwark.Core.Tests.Policies;

/// <summary>
/// The cohort on the real shape of PyPI downloads: the 1,500 most downloaded projects of the top-pypi-packages
/// snapshot, committed as Fixtures/top-pypi-packages-1500.json (source in Fixtures/README.md) and copied next to
/// the test assembly.
/// </summary>
public sealed class RealDistributionTests
{
    private static readonly DownloadWindow Window = new(new DateOnly(2025, 1, 2), new DateOnly(2025, 7, 1));

    private static IReadOnlyList<(string Project, long Downloads)> Rows { get; } = Load();

    private static List<(string, long)> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "top-pypi-packages-1500.json");
        Assert.True(File.Exists(path), $"The download distribution is expected at {path} (copied from tests/Bulwark.Core.Tests/Fixtures).");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => (r.GetProperty("project").GetString()!, r.GetProperty("download_count").GetInt64()))
            .ToList();
    }

    private static List<ProjectDownloads> Totals() => Rows.Select((r, i) => new ProjectDownloads(i + 1, r.Downloads)).ToList();

    [Fact]
    public void One_percent_of_fifteen_hundred_projects_is_the_top_15()
    {
        Assert.Equal(1_500, Rows.Count);
        var snapshot = CriticalCohort.Compute(Totals(), 1m, 1, Window, CohortState.Empty);
        Assert.Equal(1_500, snapshot.Population);
        Assert.Equal(15, snapshot.TargetSize);

        var expected = Rows.OrderByDescending(r => r.Downloads).ToList();
        var cutOff = expected[14].Downloads;
        Assert.Equal(cutOff, snapshot.CutOff);
        // Ties at the 15th place would all be in; the real data has none, so exactly 15.
        var tiedBeyond = expected.Skip(15).Count(r => r.Downloads == cutOff);
        Assert.Equal(15 + tiedBeyond, snapshot.ByDownloads.Count);
        Assert.Equal(15, snapshot.ByDownloads.Count);

        var names = snapshot.ByDownloads.Select(m => Rows[(int)m.ProjectId - 1].Project).ToHashSet();
        Assert.Contains("boto3", names);
        Assert.Equal(expected.Take(15).Select(r => r.Project).ToHashSet(), names);
        Assert.DoesNotContain(expected[15].Project, names);
        Assert.Equal(Enumerable.Range(1, 15), snapshot.ByDownloads.Select(m => m.Rank!.Value));
    }

    [Fact]
    public void A_floor_between_ranks_cuts_the_cohort_there()
    {
        var sorted = Rows.Select(r => r.Downloads).OrderDescending().ToList();
        var floor = sorted[9];
        var snapshot = CriticalCohort.Compute(Totals(), 1m, floor, Window, CohortState.Empty);
        Assert.Equal(15, snapshot.TargetSize);
        Assert.Equal(sorted.Count(d => d >= floor), snapshot.ByDownloads.Count);
        Assert.InRange(snapshot.ByDownloads.Count, 10, 11);
    }

    [Theory]
    [InlineData(10, 150)]
    [InlineData(2, 30)]
    [InlineData(0.1, 2)] // 1.5 rounds up
    [InlineData(0.01, 1)] // 0.15 rounds up: a non-empty index always has a cohort
    public void Other_percentages_round_up_on_the_real_data(double percent, int expected)
    {
        var snapshot = CriticalCohort.Compute(Totals(), (decimal)percent, 1, Window, CohortState.Empty);
        Assert.Equal(expected, snapshot.TargetSize);
        Assert.Equal(expected, snapshot.ByDownloads.Count);
    }
}
