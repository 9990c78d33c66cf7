using System.Globalization;

namespace Bulwark.Bench.Critical;

/// <summary>Command-line options; every one has a default that reproduces RESULTS.md.</summary>
public sealed record Args
{
    public string[] Databases { get; init; } = ["postgres", "sqlite"];
    public int Projects { get; init; } = 700_000;
    public double Scale { get; init; } = 0.01;
    public int Seed { get; init; } = 42;
    public bool SkipLoad { get; init; }
    /// <summary>With --skip-load: clear earlier marks so run 1 again marks the whole cohort.</summary>
    public bool ResetMarks { get; init; }
    public string SqliteDir { get; init; } = Path.Combine(Path.GetTempPath(), "bulwark-bench-critical");
    public string PostgresAdmin { get; init; } = Environment.GetEnvironmentVariable("BULWARK_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=bulwark;Password=bulwark;Database=postgres";
    public string TopPackages { get; init; } = DefaultTopPackages();

    public static Args Parse(string[] args)
    {
        var a = new Args();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            a = args[i] switch
            {
                "--db" => a with { Databases = Next() is "both" ? ["postgres", "sqlite"] : [args[i]] },
                "--projects" => a with { Projects = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--scale" => a with { Scale = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seed" => a with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--skip-load" => a with { SkipLoad = true },
                "--reset-marks" => a with { ResetMarks = true },
                "--sqlite-dir" => a with { SqliteDir = Next() },
                "--postgres" => a with { PostgresAdmin = Next() },
                "--top-packages" => a with { TopPackages = Next() },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return a;
    }

    /// <summary>../shared/data/top-pypi-packages.json next to the repository (the folder holding Bulwark.slnx).</summary>
    private static string DefaultTopPackages()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx"))) dir = dir.Parent;
        return dir is null ? "top-pypi-packages.json" : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "top-pypi-packages.json"));
    }
}
