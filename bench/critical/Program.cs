using System.Diagnostics;
using System.Globalization;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Bulwark.Core.Policies;
using Bulwark.Data.PostgreSql;
using Bulwark.Data.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bulwark.Bench.Critical;

/// <summary>
/// Times the critical-project recompute on a synthetic index (see RESULTS.md for how to run it and what the
/// figures mean). Not a test: it measures, it asserts nothing but sanity.
/// </summary>
public static class Program
{
    // The recompute runs "on" this day; counts cover the 180-day window, two weeks before it, and today.
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 6, 0, 0, TimeSpan.Zero);
    private const int HistoryBeforeWindow = 14;

    public static string ProjectName(long id) => "bench-project-" + id.ToString(CultureInfo.InvariantCulture);

    public static async Task<int> Main(string[] args)
    {
        var opt = Args.Parse(args);
        var model = new DownloadModel(opt.TopPackages, opt.Projects, opt.Scale);
        var ids = model.ProjectIds(opt.Seed);
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var first = today.AddDays(-180 - HistoryBeforeWindow);
        Console.WriteLine($"Model: {opt.Projects:N0} projects, scale {opt.Scale} of PyPI's volume, tail exponent {model.TailExponent:0.###}, days {first:yyyy-MM-dd}..{today:yyyy-MM-dd}, seed {opt.Seed}");

        foreach (var db in opt.Databases)
        {
            Console.WriteLine($"== {db}");
            var cs = db == "postgres" ? await PreparePostgresAsync(opt) : PrepareSqlite(opt);
            if (!opt.SkipLoad)
            {
                var load = Stopwatch.StartNew();
                long rows = await LoadAsync(db, cs, opt, model, ids, first, today);
                Console.WriteLine($"Loaded {rows:N0} download_counts rows and {opt.Projects:N0} projects in {load.Elapsed.TotalSeconds:0.0} s");
            }
            if (db == "postgres")
            {
                await using var conn = new NpgsqlConnection(cs);
                await conn.OpenAsync();
                Console.WriteLine("PostgreSQL " + await PostgresLoader.SettingsAsync(conn));
            }
            else
            {
                Console.WriteLine($"SQLite {SqliteVersion(cs)}; file {new FileInfo(Path.Combine(opt.SqliteDir, "bench.db")).Length / 1024 / 1024:N0} MiB");
            }
            await RecomputeRunsAsync(db, cs, opt);
        }
        return 0;
    }

    private static async Task<long> LoadAsync(string db, string cs, Args opt, DownloadModel model, long[] ids, DateOnly first, DateOnly today)
    {
        if (db == "postgres")
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await PostgresLoader.LoadProjectsAsync(conn, opt.Projects, Now.AddYears(-3));
            var rows = await PostgresLoader.LoadCountsAsync(conn, sink => model.Generate(ids, first, today, opt.Seed, sink));
            await PostgresLoader.VacuumAnalyzeAsync(conn);
            return rows;
        }
        await using var lite = new SqliteConnection(cs);
        lite.Open();
        SqliteLoader.LoadProjects(lite, opt.Projects, Now.AddYears(-3));
        return SqliteLoader.LoadCounts(lite, sink => model.Generate(ids, first, today, opt.Seed, sink));
    }

    /// <summary>
    /// Run 1 marks the whole cohort (the first recompute on an existing index); runs 2 and 3 are the same day
    /// again and change nothing (idempotent); run 4 is the next day, as the daily schedule sees it.
    /// </summary>
    private static async Task RecomputeRunsAsync(string db, string cs, Args opt)
    {
        var clock = new FixedClock(Now);
        await using var services = BuildServices(db, cs, clock);
        await using (var scope = services.CreateAsyncScope())
        {
            var ctx = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
            if (opt.ResetMarks)
            {
                await ctx.Projects.Where(p => p.CriticalSince != null).ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.CriticalSince, (DateTimeOffset?)null)
                    .SetProperty(p => p.CriticalEnforceAfter, (DateTimeOffset?)null)
                    .SetProperty(p => p.CriticalNotifiedAt, (DateTimeOffset?)null));
            }
            Console.WriteLine("Aggregation statement:\n" + CriticalRecompute.TotalsQuery(ctx, DownloadWindow.Ending(Now, 180)).ToQueryString());
        }
        string[] labels = ["first run (marks the cohort)", "same day again", "same day again", "next day"];
        for (var i = 0; i < labels.Length; i++)
        {
            if (i == 3) clock.Now = Now.AddDays(1);
            await using var scope = services.CreateAsyncScope();
            var r = await scope.ServiceProvider.GetRequiredService<CriticalRecompute>().RunAsync(new Actor("bench", "bench"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {i + 1} ({labels[i]}): population {r.Population:N0}, N {r.TargetSize:N0}, cut-off {r.CutOff:N0}, qualifying {r.QualifyingByDownloads:N0}, " +
                $"marked {r.Marked.Count:N0}, notified {r.Notified:N0}; aggregation {r.AggregationTime.TotalSeconds:0.00} s, total {r.TotalTime.TotalSeconds:0.00} s"));
        }
    }

    private static ServiceProvider BuildServices(string db, string cs, TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(clock);
        services.AddDbContext<BulwarkDbContext>(b =>
        {
            if (db == "postgres") PostgresDatabase.Configure(b, cs);
            else SqliteDatabase.Configure(b, cs);
        });
        services.AddOptions<CriticalProjectOptions>();
        services.AddSingleton<ICriticalProjectNotifier, CountingNotifier>();
        services.AddScoped<AuditLog>();
        // A bench process: nobody listens to its feed, and it shares no data directory.
        services.AddSingleton<IndexChangeFeed>();
        services.AddSingleton(new IndexChangeSignal(null));
        services.AddSingleton<IndexChangePublisher>();
        services.AddScoped<IndexWriter>();
        services.AddScoped<CriticalMarks>();
        services.AddScoped<CriticalRecompute>();
        return services.BuildServiceProvider();
    }

    private static async Task<string> PreparePostgresAsync(Args opt)
    {
        var target = new NpgsqlConnectionStringBuilder(opt.PostgresAdmin) { Database = "bulwark_bench_critical", CommandTimeout = 0 }.ConnectionString;
        if (!opt.SkipLoad)
        {
            await using var admin = new NpgsqlConnection(opt.PostgresAdmin);
            await admin.OpenAsync();
            await using (var drop = new NpgsqlCommand("DROP DATABASE IF EXISTS bulwark_bench_critical WITH (FORCE)", admin)) await drop.ExecuteNonQueryAsync();
            await using (var create = new NpgsqlCommand("CREATE DATABASE bulwark_bench_critical", admin)) await create.ExecuteNonQueryAsync();
            await MigrateAsync(b => PostgresDatabase.Configure(b, target));
        }
        return target;
    }

    private static string PrepareSqlite(Args opt)
    {
        Directory.CreateDirectory(opt.SqliteDir);
        var path = Path.Combine(opt.SqliteDir, "bench.db");
        var cs = $"Data Source={path};Default Timeout=600";
        if (!opt.SkipLoad)
        {
            foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
            MigrateAsync(b => SqliteDatabase.Configure(b, cs)).GetAwaiter().GetResult();
            using var conn = new SqliteConnection(cs);
            conn.Open();
            using var wal = conn.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL"; // as the server runs it
            wal.ExecuteNonQuery();
        }
        return cs;
    }

    private static async Task MigrateAsync(Action<DbContextOptionsBuilder> configure)
    {
        var builder = new DbContextOptionsBuilder<BulwarkDbContext>();
        configure(builder);
        await using var db = new BulwarkDbContext(builder.Options);
        await db.Database.MigrateAsync();
    }

    private static string SqliteVersion(string cs)
    {
        using var conn = new SqliteConnection(cs);
        conn.Open();
        return conn.ServerVersion;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Stands in for the e-mail queue: counts notices, sends nothing.</summary>
    private sealed class CountingNotifier : ICriticalProjectNotifier
    {
        public int Count;
        public Task NotifyAsync(CriticalProjectNotice notice, CancellationToken ct = default)
        {
            Interlocked.Increment(ref Count);
            return Task.CompletedTask;
        }
    }
}
