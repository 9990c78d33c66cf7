using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>A built project: one wheel and one sdist, as the backend named them.</summary>
public sealed record BuiltPackage(PythonProject Project, string Wheel, string Sdist)
{
    public IReadOnlyList<string> Files => [Wheel, Sdist];
    public string WheelName => Path.GetFileName(Wheel);
    public string SdistName => Path.GetFileName(Sdist);

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>The wheel's <c>*.dist-info/METADATA</c>, byte for byte.</summary>
    public byte[] WheelMetadata()
    {
        using var zip = ZipFile.OpenRead(Wheel);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".dist-info/METADATA", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1);
        using var stream = entry.Open();
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }
}

/// <summary>
/// Writes <see cref="PythonProject"/>s to disk and builds them with <c>/usr/bin/python3 -m build
/// --no-isolation</c>: Debian's backends, nothing fetched. Each distinct project is built once per run.
/// </summary>
public sealed class PackageFactory(string root, ToolEnvironment tools)
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);

    private readonly ConcurrentDictionary<string, Lazy<Task<BuiltPackage>>> _builds = new();
    private int _counter;

    public Task<BuiltPackage> BuildAsync(PythonProject project) =>
        _builds.GetOrAdd(project.CacheKey, _ => new Lazy<Task<BuiltPackage>>(() => BuildNowAsync(project))).Value;

    private async Task<BuiltPackage> BuildNowAsync(PythonProject project)
    {
        var dir = Path.Combine(root, $"{Interlocked.Increment(ref _counter):D3}-{project.NormalizedName}-{project.Version}");
        var source = Path.Combine(dir, "src");
        var dist = Path.Combine(dir, "dist");
        project.WriteTo(source);

        var args = new List<string> { "-m", "build", "--no-isolation", "--outdir", dist };
        // Debian's hatchling declares a dependency on 'editables', which Debian 12 does not package.
        if (project.Backend == BuildBackend.Hatchling) args.Add("--skip-dependency-check");
        args.Add(source);

        var result = await new ExternalProcess
        {
            FileName = "/usr/bin/python3",
            Arguments = args,
            WorkingDirectory = dir,
            Environment = tools.Variables(),
            Timeout = BuildTimeout,
        }.RunAsync();
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Building {project.Name} {project.Version} with {project.Backend} failed.\n{result.Describe()}");
        }

        var wheels = Directory.GetFiles(dist, "*.whl");
        var sdists = Directory.GetFiles(dist, "*.tar.gz");
        if (wheels.Length != 1 || sdists.Length != 1)
        {
            throw new InvalidOperationException($"Expected one wheel and one sdist in {dist}, found: {string.Join(", ", Directory.GetFiles(dist).Select(Path.GetFileName))}\n{result.Describe()}");
        }
        return new BuiltPackage(project, wheels[0], sdists[0]);
    }
}
