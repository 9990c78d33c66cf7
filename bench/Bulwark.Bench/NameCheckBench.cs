using System.Diagnostics;
using Bulwark.Bench.Corpus;
using Bulwark.Bench.Loading;
using Bulwark.Core.Data;
using Bulwark.Core.Moderation.Typosquats;
using Bulwark.Core.Uploads;
using Bulwark.Data.PostgreSql;
using Bulwark.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Bench;

/// <summary>
/// <c>name-check</c>: what the typosquat check adds to a first upload on an index of <c>--projects</c> projects
/// (700,000 by default). The projects are loaded as rows only (no releases: the name checks read none), the 100 most
/// downloaded are critical as in the corpus, and the operator's list file holds the top <c>--protected</c> names.
/// Then the whole name policy of a creation (<see cref="ProjectNamePolicy.CheckNewNameAsync"/>) is timed for fresh
/// names with the typosquat check and without it, interleaved call by call, so load from other work on the machine
/// falls on both alike; the difference is what the check adds.
/// </summary>
public static class NameCheckBench
{
    public static async Task<int> RunAsync(string top, string dataDir, bool postgres, string? connection, int projects, int protectedCount, int candidates)
    {
        dataDir = Path.GetFullPath(dataDir);
        Directory.CreateDirectory(dataDir);
        connection = postgres ? connection ?? throw new ArgumentException("--connection is required with --db postgres")
            : $"Data Source={Path.Combine(dataDir, "names.db")};Default Timeout=30";
        var builder = new DbContextOptionsBuilder<BulwarkDbContext>();
        if (postgres) PostgresDatabase.Configure(builder, connection); else SqliteDatabase.Configure(builder, connection);

        // The corpus plus fresh names that are not in it: the candidates of the timed "first uploads".
        var names = ProjectNames.Load(top, projects + candidates, seed: 7);
        var fresh = names.Skip(projects).Select(n => n.Name).ToList();
        await using (var db = new BulwarkDbContext(builder.Options))
        {
            await db.Database.MigrateAsync();
            if (!await db.Projects.AnyAsync())
            {
                var loading = Stopwatch.StartNew();
                await using IRowSink sink = postgres ? new PostgresSink(connection) : new SqliteSink(connection);
                await sink.BeginAsync(CancellationToken.None);
                var created = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
                for (var i = 0; i < projects; i++) sink.Project(i + 1, new ProjectRows(names[i], created, [], Critical: i < 100), 0);
                await sink.CompleteAsync(new Progress<string>(_ => { }), CancellationToken.None);
                Console.Error.WriteLine($"loaded {projects:N0} projects in {loading.Elapsed.TotalSeconds:0.0} s");
            }
        }
        var listFile = Path.Combine(dataDir, "protected.txt");
        await File.WriteAllLinesAsync(listFile, names.Take(protectedCount).Select(n => n.Name));
        var options = Options.Create(new TyposquatOptions { ProtectedListFile = listFile });

        await using var context = new BulwarkDbContext(builder.Options);
        var server = new ServerProtectedNames(options, TimeProvider.System);
        var with = new ProjectNamePolicy(context, server);
        var without = new ProjectNamePolicy(context);

        var build = Stopwatch.StartNew();
        var check = await server.GetAsync(context);
        build.Stop();
        // Warm both paths (JIT, connection pool, query plans) before timing.
        foreach (var name in fresh.Take(200))
        {
            await with.CheckNewNameAsync(name, CancellationToken.None);
            await without.CheckNewNameAsync(name, CancellationToken.None);
        }

        var withTimes = new List<double>(candidates);
        var withoutTimes = new List<double>(candidates);
        var checkTimes = new List<double>(candidates);
        var verdicts = 0;
        var clock = new Stopwatch();
        for (var i = 0; i < fresh.Count; i++)
        {
            // Alternate which runs first, so neither always finds the caches the other warmed.
            foreach (var typosquat in i % 2 == 0 ? new[] { true, false } : [false, true])
            {
                clock.Restart();
                await (typosquat ? with : without).CheckNewNameAsync(fresh[i], CancellationToken.None);
                clock.Stop();
                (typosquat ? withTimes : withoutTimes).Add(clock.Elapsed.TotalMicroseconds);
            }
            clock.Restart();
            if (check.Check(fresh[i]).Verdict != NameAction.Ok) verdicts++;
            clock.Stop();
            checkTimes.Add(clock.Elapsed.TotalMicroseconds);
        }

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        Console.WriteLine($"| database | {(postgres ? "PostgreSQL" : "SQLite")}, {projects:N0} projects, {check.Names.Count:N0} protected names |");
        Console.WriteLine($"| first build of the protected set | {build.Elapsed.TotalMilliseconds:N0} ms |");
        Console.WriteLine($"| name policy without the check (mean / p50 / p99) | {Stats(withoutTimes)} |");
        Console.WriteLine($"| name policy with the check (mean / p50 / p99) | {Stats(withTimes)} |");
        Console.WriteLine($"| added per first upload (mean / p50 / p99) | {Added(withTimes, withoutTimes)} |");
        Console.WriteLine($"| the check alone, in memory (mean / p50 / p99) | {Stats(checkTimes)} |");
        Console.WriteLine($"| candidates | {fresh.Count:N0} fresh names, {verdicts:N0} held or blocked |");
        Console.WriteLine($"| load average (1, 5, 15 min) at the end | {load} |");
        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static string Stats(List<double> times)
    {
        var sorted = times.Order().ToList();
        return $"{times.Average():N0} / {Percentile(sorted, 0.5):N0} / {Percentile(sorted, 0.99):N0} µs";
    }

    private static string Added(List<double> with, List<double> without)
    {
        var a = with.Order().ToList();
        var b = without.Order().ToList();
        return $"{with.Average() - without.Average():N0} / {Percentile(a, 0.5) - Percentile(b, 0.5):N0} / {Percentile(a, 0.99) - Percentile(b, 0.99):N0} µs";
    }
}
