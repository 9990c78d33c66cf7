using System.Text.Json;

namespace Bulwark.Bench.Critical;

/// <summary>Receives generated rows in (FileId, Day) order, which is the primary-key order of download_counts.</summary>
public interface IRowSink
{
    void Add(long fileId, DateOnly day, long projectId, long count);
}

/// <summary>
/// A synthetic download history shaped like PyPI's. Ranks 1..15,000 take their 30-day totals from
/// top-pypi-packages.json; ranks beyond follow the power law fitted to ranks 2,000..15,000 of that file
/// (the tail of a Zipf-like curve). <see cref="Scale"/> turns PyPI's volume into the instance's: the expected
/// downloads per day of a project are its 30-day PyPI count / 30 × scale. A project has 1 to 30 files (more
/// for popular projects: wheels per platform), downloads split over them by 1/(j+1) weights, and each
/// (file, day) row exists only if that file was downloaded that day (Poisson). Deterministic for a seed.
/// </summary>
public sealed class DownloadModel
{
    private readonly long[] _top;
    private readonly double _alpha;

    public DownloadModel(string topPackagesJson, int projects, double scale)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(topPackagesJson));
        _top = doc.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("download_count").GetInt64()).OrderDescending().ToArray();
        _alpha = FitTail(_top, 2000);
        Projects = projects;
        Scale = scale;
    }

    public int Projects { get; }
    public double Scale { get; }
    public double TailExponent => _alpha;

    /// <summary>Least-squares slope of log(downloads) over log(rank) from <paramref name="fromRank"/> to the end.</summary>
    private static double FitTail(long[] sorted, int fromRank)
    {
        var xs = Enumerable.Range(fromRank, sorted.Length - fromRank + 1).Select(r => Math.Log(r)).ToArray();
        var ys = Enumerable.Range(fromRank, sorted.Length - fromRank + 1).Select(r => Math.Log(sorted[r - 1])).ToArray();
        double mx = xs.Average(), my = ys.Average();
        var slope = xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / xs.Sum(x => (x - mx) * (x - mx));
        return -slope;
    }

    public double DailyRate(int rank)
    {
        double thirtyDays = rank <= _top.Length ? _top[rank - 1] : _top[^1] * Math.Pow((double)rank / _top.Length, -_alpha);
        return thirtyDays / 30 * Scale;
    }

    public static int Files(double dailyRate) => 1 + Math.Min(29, (int)(Math.Log10(1 + dailyRate) * 4));

    /// <summary>A random project id for every rank, so popularity is not correlated with id.</summary>
    public long[] ProjectIds(int seed)
    {
        var ids = Enumerable.Range(1, Projects).Select(i => (long)i).ToArray();
        new Random(seed).Shuffle(ids);
        return ids;
    }

    /// <summary>Generates rows for the days <paramref name="first"/>..<paramref name="last"/> (inclusive) and returns how many.</summary>
    public long Generate(long[] projectIds, DateOnly first, DateOnly last, int seed, IRowSink sink)
    {
        var rng = new Random(seed);
        var days = last.DayNumber - first.DayNumber + 1;
        long fileId = 0, rows = 0;
        for (var rank = 1; rank <= Projects; rank++)
        {
            var rate = DailyRate(rank);
            var files = Files(rate);
            var weights = Enumerable.Range(0, files).Select(j => 1.0 / (j + 1)).ToArray();
            var total = weights.Sum();
            var projectId = projectIds[rank - 1];
            foreach (var w in weights)
            {
                fileId++;
                rows += GenerateFile(rng, rate * w / total, fileId, projectId, first, days, sink);
            }
        }
        return rows;
    }

    private static long GenerateFile(Random rng, double lambda, long fileId, long projectId, DateOnly first, int days, IRowSink sink)
    {
        long rows = 0;
        if (lambda >= 20)
        {
            // Every day has downloads; a normal approximation of the Poisson count is plenty.
            for (var d = 0; d < days; d++)
            {
                sink.Add(fileId, first.AddDays(d), projectId, Math.Max(1, (long)Math.Round(lambda + Math.Sqrt(lambda) * Normal(rng))));
                rows++;
            }
            return rows;
        }
        // Rare downloads: jump straight to the next day with any (the gap is geometric, P(no download) = e^-λ),
        // so the cost is per row, not per project-day.
        var day = -1;
        while (true)
        {
            day += 1 + (int)Math.Min(int.MaxValue / 2, Math.Floor(-Math.Log(1 - rng.NextDouble()) / lambda));
            if (day >= days) return rows;
            sink.Add(fileId, first.AddDays(day), projectId, ZeroTruncatedPoisson(rng, lambda));
            rows++;
        }
    }

    private static long ZeroTruncatedPoisson(Random rng, double lambda)
    {
        var em = Math.Exp(-lambda);
        var p = lambda * em / (1 - em);
        var cumulative = p;
        var u = rng.NextDouble();
        long k = 1;
        while (u > cumulative && k < 10_000)
        {
            k++;
            p *= lambda / k;
            cumulative += p;
        }
        return k;
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
