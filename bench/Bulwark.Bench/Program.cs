using System.Globalization;
using System.IO.Compression;
using Bulwark.Bench.Corpus;
using Bulwark.Bench.Loading;
using Bulwark.Core.Data;
using Bulwark.Data.PostgreSql;
using Bulwark.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Bench;

/// <summary>
/// <c>generate</c>: a corpus straight into the database and blob store. <c>upload</c>: a corpus through the
/// upload API. <c>big-wheel</c>: one large valid wheel for the upload benchmark. Driven by <c>bench/run</c>.
/// <c>name-check</c>: the typosquat check's cost at project creation (<see cref="NameCheckBench"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0) return Usage();
        var o = Options.Parse(args[1..]);
        switch (args[0])
        {
            case "generate": return await GenerateAsync(o);
            case "upload": return await UploadAsync(o);
            case "big-wheel": return BigWheel(o);
            case "name-check":
                return await NameCheckBench.RunAsync(o.Require("top"), o.Require("data-dir"), o.Get("db", "sqlite") == "postgres",
                    o.Get("connection", "") is { Length: > 0 } cs ? cs : null, o.Int("projects", 700_000), o.Int("protected", 15_000), o.Int("candidates", 20_000));
            default: return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage:
              generate --db sqlite|postgres (--data-dir DIR | --connection CS --data-dir DIR) --top FILE --manifest FILE
                       [--projects N] [--mean-files F | --total-files N] [--big-files N] [--blob-projects N] [--filler-bytes N] [--owner USER]
              upload   --url http://host:port/legacy/ --token TOKEN --top FILE [--projects N] [--offset N] [--versions N] [--parallel N]
              big-wheel --out DIR [--mib N] [--name NAME] [--version V]
              name-check --top FILE --data-dir DIR [--db sqlite|postgres --connection CS] [--projects N] [--protected N] [--candidates N]
            """);
        return 2;
    }

    private static async Task<int> GenerateAsync(Options o)
    {
        var dataDir = Path.GetFullPath(o.Require("data-dir"));
        Directory.CreateDirectory(dataDir);
        var postgres = o.Get("db", "sqlite") == "postgres";
        var connection = postgres ? o.Require("connection") : $"Data Source={Path.Combine(dataDir, "bulwark.db")};Default Timeout=30";

        var builder = new DbContextOptionsBuilder<BulwarkDbContext>();
        if (postgres) PostgresDatabase.Configure(builder, connection); else SqliteDatabase.Configure(builder, connection);
        long? ownerId;
        await using (var db = new BulwarkDbContext(builder.Options))
        {
            // The same migrations the server applies on start.
            await db.Database.MigrateAsync();
            if (await db.Projects.AnyAsync())
            {
                Console.Error.WriteLine("The database already holds projects; generate into an empty one.");
                return 1;
            }
            var owner = o.Get("owner", "").ToLowerInvariant();
            ownerId = owner.Length == 0 ? null : await db.Users.Where(u => u.NormalizedUsername == owner).Select(u => (long?)u.Id).FirstOrDefaultAsync();
        }

        var options = new GenerateOptions
        {
            TopPackagesJson = o.Require("top"),
            BlobRoot = Path.Combine(dataDir, "files"),
            ManifestPath = o.Require("manifest"),
            Projects = o.Int("projects", 2000),
            MeanFiles = double.Parse(o.Get("mean-files", "10"), CultureInfo.InvariantCulture),
            TotalFiles = o.Get("total-files", "") is { Length: > 0 } total ? long.Parse(total, CultureInfo.InvariantCulture) : null,
            BigFiles = o.Int("big-files", 520),
            BlobProjects = o.Int("blob-projects", -1),
            FillerBytes = o.Int("filler-bytes", 0),
            OwnerId = ownerId,
        };
        await using IRowSink sink = postgres ? new PostgresSink(connection) : new SqliteSink(connection);
        await new CorpusLoader(options, sink).RunAsync(CancellationToken.None);
        return 0;
    }

    private static async Task<int> UploadAsync(Options o)
    {
        var count = o.Int("projects", 50);
        var offset = o.Int("offset", 0);
        var names = ProjectNames.Load(o.Require("top"), offset + count, seed: 7).Skip(offset).ToList();
        var client = new UploadClient(new Uri(o.Require("url")), o.Require("token"), o.Int("parallel", 4));
        return await client.UploadCorpusAsync(names, o.Int("versions", 2), CancellationToken.None);
    }

    /// <summary>A valid wheel of about <c>--mib</c> MiB: one stored member of random bytes, written in 1 MiB pieces.</summary>
    private static int BigWheel(Options o)
    {
        var name = o.Get("name", "bench-big-upload");
        var version = o.Get("version", "1.0.0");
        // --mib 0 gives a minimal wheel (for visibility checks).
        var size = Math.Max(0, (long)o.Int("mib", 100) * 1024 * 1024 - 64 * 1024);
        var pkg = Distributions.Escape(Bulwark.Core.Packaging.ProjectName.Normalize(name));
        var filename = $"{pkg}-{version}-py3-none-any.whl";
        var path = Path.Combine(Path.GetFullPath(o.Require("out")), filename);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var fs = File.Create(path))
        using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
        {
            var random = new Random(1);
            var chunk = new byte[1024 * 1024];
            using (var data = zip.CreateEntry($"{pkg}/payload.bin", CompressionLevel.NoCompression).Open())
            {
                for (long written = 0; written < size; written += chunk.Length)
                {
                    random.NextBytes(chunk);
                    data.Write(chunk, 0, (int)Math.Min(chunk.Length, size - written));
                }
            }
            var distInfo = $"{pkg}-{version}.dist-info";
            Write(zip, $"{pkg}/__init__.py", "\n");
            Write(zip, $"{distInfo}/METADATA", Distributions.Metadata(name, version, null, "A large wheel for the upload benchmark"));
            Write(zip, $"{distInfo}/WHEEL", "Wheel-Version: 1.0\nGenerator: bulwark-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
            Write(zip, $"{distInfo}/RECORD", $"{pkg}/payload.bin,,\n{pkg}/__init__.py,,\n{distInfo}/METADATA,,\n{distInfo}/WHEEL,,\n{distInfo}/RECORD,,\n");
        }
        Console.WriteLine(path);
        return 0;

        static void Write(ZipArchive zip, string entryName, string text)
        {
            using var w = new StreamWriter(zip.CreateEntry(entryName, CompressionLevel.Fastest).Open());
            w.Write(text);
        }
    }

    private sealed class Options(Dictionary<string, string> values)
    {
        public static Options Parse(string[] args)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'");
                d[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            }
            return new Options(d);
        }

        public string Get(string key, string fallback) => values.GetValueOrDefault(key, fallback);
        public string Require(string key) => values.TryGetValue(key, out var v) ? v : throw new ArgumentException($"--{key} is required");
        public int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    }
}
