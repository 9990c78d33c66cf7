namespace Bulwark.Bench.Corpus;

/// <summary>How many releases a project gets and how many files each release has.</summary>
public readonly record struct ProjectShape(int Versions, int PlatformWheels, bool PureWheel, bool Sdist)
{
    public int FilesPerVersion => PlatformWheels + (PureWheel ? 1 : 0) + (Sdist ? 1 : 0);
    public int Files => Versions * FilesPerVersion;
}

/// <summary>
/// Decides each project's size from its download count: popular projects have many releases and, at the
/// very top, platform wheels; the long tail has a few releases with a wheel and an sdist. A scale factor is
/// searched so that the mean number of files per project hits the requested target (PyPI: about 10).
/// </summary>
public sealed class CorpusPlan
{
    private const int MaxVersions = 400;
    private readonly double _scale;
    private readonly int _count;
    private readonly int _bigFiles;
    private readonly Dictionary<int, int> _extraVersions = [];

    /// <param name="totalFiles">When set, the exact number of files to reach (at least, by at most one release's files).</param>
    public CorpusPlan(IReadOnlyList<NamedProject> projects, double meanFiles, int bigFiles, long? totalFiles = null)
    {
        _count = projects.Count;
        _bigFiles = bigFiles;
        if (totalFiles is { } target) meanFiles = (double)target / projects.Count;
        double lo = 0.001, hi = 100;
        for (var i = 0; i < 60; i++)
        {
            var mid = Math.Sqrt(lo * hi);
            if (MeanFiles(projects, mid) < meanFiles) lo = mid; else hi = mid;
        }
        // lo stays below the target mean, so a total can only need topping up.
        _scale = totalFiles is null ? Math.Sqrt(lo * hi) : lo;
        if (totalFiles is { } goal) TopUp(projects, goal);
    }

    /// <summary>Rank 0 is the big project with <c>bigFiles</c> files (two per release).</summary>
    public ProjectShape ShapeOf(NamedProject p)
    {
        var shape = Shape(p, _scale);
        return _extraVersions.TryGetValue(p.Rank, out var extra) ? shape with { Versions = shape.Versions + extra } : shape;
    }

    /// <summary>Adds one release at a time to projects in rank order (skipping the big one) until the total is reached.</summary>
    private void TopUp(IReadOnlyList<NamedProject> projects, long goal)
    {
        long total = 0;
        foreach (var p in projects) total += Shape(p, _scale).Files;
        for (var i = 1; total < goal && projects.Count > 1; i = i % (projects.Count - 1) + 1)
        {
            var shape = Shape(projects[i], _scale);
            if (shape.Versions + _extraVersions.GetValueOrDefault(i) >= MaxVersions) continue;
            _extraVersions[i] = _extraVersions.GetValueOrDefault(i) + 1;
            total += shape.FilesPerVersion;
        }
    }

    private ProjectShape Shape(NamedProject p, double scale)
    {
        if (p.Rank == 0 && _bigFiles > 0) return new ProjectShape((_bigFiles + 1) / 2, 0, true, true);
        var weight = Math.Pow(Math.Log10(p.Downloads + 10), 2);
        var versions = (int)Math.Clamp(Math.Round(scale * weight), 1, MaxVersions);
        var h = Hash(p.Rank);
        // The top 1% ship compiled wheels for several platforms; a fifth of the rest ship only one kind of file.
        if (p.Rank < Math.Max(1, _count / 100)) return new ProjectShape(versions, 3, false, true);
        return (h % 10) switch
        {
            0 => new ProjectShape(versions, 0, true, false),
            1 => new ProjectShape(versions, 0, false, true),
            _ => new ProjectShape(versions, 0, true, true),
        };
    }

    private double MeanFiles(IReadOnlyList<NamedProject> projects, double scale)
    {
        long total = 0;
        // A sample is enough to fit the scale (the full list can have 700k entries); TopUp makes totals exact.
        var step = Math.Max(1, projects.Count / 20000);
        var n = 0;
        for (var i = 0; i < projects.Count; i += step)
        {
            total += Shape(projects[i], scale).Files;
            n++;
        }
        return (double)total / n;
    }

    internal static uint Hash(int value)
    {
        var x = (uint)value * 2654435761u;
        x ^= x >> 16;
        return x * 2246822519u;
    }
}
