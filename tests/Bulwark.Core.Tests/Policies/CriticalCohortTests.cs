using Bulwark.Core.Policies;

namespace Bulwark.Core.Tests.Policies;

public sealed class CriticalCohortTests
{
    private static readonly DownloadWindow Window = new(new DateOnly(2025, 1, 2), new DateOnly(2025, 7, 1));

    /// <summary>Projects 1..n with the given downloads, in that order.</summary>
    private static List<ProjectDownloads> Totals(params long[] downloads) =>
        downloads.Select((d, i) => new ProjectDownloads(i + 1, d)).ToList();

    /// <summary>A population of <paramref name="count"/> projects: the given head, then a tail of 1-download projects (ids from 1000).</summary>
    private static List<ProjectDownloads> Population(int count, params long[] head) =>
        [.. Totals(head), .. Enumerable.Range(0, count - head.Length).Select(i => new ProjectDownloads(1000 + i, 1))];

    private static CohortState State(long[]? marked = null, long[]? always = null, Dictionary<long, DateOnly>? removed = null) =>
        new(new HashSet<long>(marked ?? []), new HashSet<long>(always ?? []), removed ?? []);

    private static CohortSnapshot Compute(List<ProjectDownloads> totals, decimal percent = 1m, long floor = 1, CohortState? state = null) =>
        CriticalCohort.Compute(totals, percent, floor, Window, state ?? CohortState.Empty);

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(1, 1, 1)]      // any non-zero percent of a non-empty population is at least one project
    [InlineData(1, 99, 1)]
    [InlineData(1, 100, 1)]
    [InlineData(1, 101, 2)]    // 1.01 rounds up
    [InlineData(1, 15000, 150)] // exact in decimal; 0.01 * 15000 in binary floating point is not
    [InlineData(1, 700000, 7000)]
    [InlineData(0.5, 201, 2)]
    [InlineData(2.5, 40, 1)]
    [InlineData(33.3, 3, 1)]   // 0.999 rounds up to 1, not down to 0
    [InlineData(100, 7, 7)]
    [InlineData(0, 1000, 0)]   // 0 turns the download-based cohort off
    public void Target_size_is_the_percentage_of_the_population_rounded_up(double percent, int population, int expected) =>
        Assert.Equal(expected, CriticalCohort.TargetSize((decimal)percent, population));

    [Fact]
    public void Population_counts_only_projects_with_downloads_in_the_window()
    {
        // 100 downloaded projects and 50 that nobody downloaded: 1 % of 100 is 1; of all 150 it would be 2.
        var totals = Population(100, 500, 400, 300);
        totals.AddRange(Enumerable.Range(0, 50).Select(i => new ProjectDownloads(5000 + i, 0)));
        var snapshot = Compute(totals);
        Assert.Equal(100, snapshot.Population);
        Assert.Equal(1, snapshot.TargetSize);
        Assert.Equal([1L], snapshot.ByDownloads.Select(m => m.ProjectId));
    }

    [Fact]
    public void Every_project_tied_with_the_last_place_is_in()
    {
        // 200 projects, 1 % = 2; places 2, 3 and 4 are tied.
        var snapshot = Compute(Population(200, 1000, 500, 500, 500, 499));
        Assert.Equal(2, snapshot.TargetSize);
        Assert.Equal(500, snapshot.CutOff);
        Assert.Equal([1L, 2L, 3L, 4L], snapshot.ByDownloads.Select(m => m.ProjectId));
        Assert.Equal([1, 2, 2, 2], snapshot.ByDownloads.Select(m => m.Rank!.Value));
        Assert.All(snapshot.ByDownloads, m => Assert.Equal(CriticalReason.Downloads, m.Reason));
    }

    [Fact]
    public void A_tie_above_the_cut_off_does_not_pull_in_the_next_project()
    {
        var snapshot = Compute(Population(200, 1000, 1000, 999));
        Assert.Equal([1L, 2L], snapshot.ByDownloads.Select(m => m.ProjectId));
        Assert.Equal([1, 1], snapshot.ByDownloads.Select(m => m.Rank!.Value));
    }

    [Fact]
    public void Input_order_does_not_matter()
    {
        var totals = Population(300, 10, 900, 50, 700, 700);
        var shuffled = totals.OrderBy(t => (t.ProjectId * 7919) % 101).ToList();
        Assert.Equal(Compute(totals).ByDownloads, Compute(shuffled).ByDownloads);
        Assert.Equal([2L, 4L, 5L], Compute(totals).ByDownloads.Select(m => m.ProjectId));
    }

    [Fact]
    public void The_floor_removes_members_without_changing_the_target_size()
    {
        // 300 projects: N = 3. With a floor of 100 only the first two qualify; the next project is not promoted.
        var totals = Population(300, 5000, 100, 99, 98);
        var snapshot = Compute(totals, floor: 100);
        Assert.Equal(3, snapshot.TargetSize);
        Assert.Equal(99, snapshot.CutOff);
        Assert.Equal([1L, 2L], snapshot.ByDownloads.Select(m => m.ProjectId));
        Assert.Equal([1L, 2L, 3L], Compute(totals, floor: 99).ByDownloads.Select(m => m.ProjectId));
    }

    [Fact]
    public void A_floor_above_everything_leaves_the_cohort_empty()
    {
        var snapshot = Compute(Population(100, 50), floor: 51);
        Assert.Equal(1, snapshot.TargetSize);
        Assert.Empty(snapshot.ByDownloads);
        Assert.Empty(snapshot.NewMembers);
    }

    [Fact]
    public void A_single_downloaded_project_is_the_whole_cohort()
    {
        var snapshot = Compute(Totals(1));
        Assert.Equal((1, 1, 1L), (snapshot.Population, snapshot.TargetSize, snapshot.CutOff!.Value));
        Assert.Equal(1L, Assert.Single(snapshot.NewMembers).ProjectId);
    }

    [Fact]
    public void No_downloads_means_no_cohort_by_downloads()
    {
        var snapshot = Compute([], state: State(always: [7]));
        Assert.Equal((0, 0), (snapshot.Population, snapshot.TargetSize));
        Assert.Null(snapshot.CutOff);
        Assert.Empty(snapshot.ByDownloads);
        Assert.Equal(7L, Assert.Single(snapshot.NewMembers).ProjectId);
    }

    [Fact]
    public void Marked_projects_stay_and_are_not_marked_again()
    {
        // Project 9 was critical and has no downloads now; project 1 is critical and still on top.
        var snapshot = Compute(Population(200, 1000, 800, 10), state: State(marked: [1, 9]));
        Assert.Equal([1L, 2L], snapshot.ByDownloads.Select(m => m.ProjectId));
        Assert.Equal(2L, Assert.Single(snapshot.NewMembers).ProjectId);
        // Nothing in the outcome can unmark project 9: the only writes are the new members.
        Assert.DoesNotContain(snapshot.NewMembers, m => m.ProjectId == 9);
    }

    [Fact]
    public void A_repeated_computation_after_marking_has_nothing_new()
    {
        var totals = Population(500, 900, 800, 700, 700, 600, 5);
        var first = Compute(totals);
        var marked = first.NewMembers.Select(m => m.ProjectId).ToArray();
        Assert.Equal([1L, 2L, 3L, 4L, 5L], marked);
        Assert.Empty(Compute(totals, state: State(marked: marked)).NewMembers);
    }

    [Fact]
    public void Listed_projects_are_members_whatever_their_downloads()
    {
        // 42 has no downloads; 3 is downloaded but far below the cut-off; 1 qualifies anyway and is listed once.
        var snapshot = Compute(Population(200, 1000, 900, 5), state: State(always: [42, 3, 1]));
        Assert.Equal([1L, 2L], snapshot.ByDownloads.Select(m => m.ProjectId));
        Assert.Equal([(1L, CriticalReason.AlwaysCriticalList), (3L, CriticalReason.AlwaysCriticalList), (42L, CriticalReason.AlwaysCriticalList), (2L, CriticalReason.Downloads)],
            snapshot.NewMembers.Select(m => (m.ProjectId, m.Reason)));
        Assert.Equal((5L, 3), (snapshot.NewMembers[1].Downloads, snapshot.NewMembers[1].Rank!.Value));
        Assert.Null(snapshot.NewMembers[2].Rank);
    }

    [Fact]
    public void Listed_projects_already_marked_are_left_alone()
    {
        var snapshot = Compute(Population(200, 1000, 900), state: State(marked: [1, 2, 42], always: [42]));
        Assert.Empty(snapshot.NewMembers);
    }

    [Fact]
    public void An_admin_removal_keeps_the_project_out_while_the_window_holds_the_removal_day()
    {
        var totals = Population(200, 1000, 900, 800);
        var removed = new Dictionary<long, DateOnly> { [1] = Window.From };
        var snapshot = Compute(totals, state: State(removed: removed));
        Assert.Equal([2L], snapshot.ByDownloads.Select(m => m.ProjectId));
        // The removed project keeps its place: project 3 is not promoted into the second slot.
        Assert.Equal(2, snapshot.TargetSize);
        Assert.Equal(900, snapshot.CutOff);
        Assert.Equal([2L], snapshot.NewMembers.Select(m => m.ProjectId));
    }

    [Fact]
    public void An_admin_removal_lapses_once_the_window_lies_after_it()
    {
        var totals = Population(200, 1000, 900);
        var removed = new Dictionary<long, DateOnly> { [1] = Window.From.AddDays(-1) };
        Assert.False(CriticalCohort.RemovalInForce(Window.From.AddDays(-1), Window));
        Assert.True(CriticalCohort.RemovalInForce(Window.From, Window));
        Assert.Equal([1L, 2L], Compute(totals, state: State(removed: removed)).NewMembers.Select(m => m.ProjectId));
    }

    [Fact]
    public void Zero_percent_keeps_only_the_list()
    {
        var snapshot = Compute(Population(1000, 5000, 4000), percent: 0, state: State(always: [2]));
        Assert.Equal(0, snapshot.TargetSize);
        Assert.Empty(snapshot.ByDownloads);
        Assert.Equal([(2L, CriticalReason.AlwaysCriticalList)], snapshot.NewMembers.Select(m => (m.ProjectId, m.Reason)));
    }
}
