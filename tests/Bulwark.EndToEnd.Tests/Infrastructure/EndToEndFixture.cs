using System.Collections.Concurrent;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Everything the end-to-end tests share, created once per run: a live server, the package factory and its
/// build cache, the clean tool environment. All test classes are in one collection, so they run one after
/// another: the external tools already keep both cores busy, and the shared server stays easy to reason
/// about (each test uses project names of its own).
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _once = new();
    private int _dirs;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "bulwark-e2e", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Guid.NewGuid().ToString("N")[..8]);

    public LiveServer Server { get; private set; } = null!;
    public ToolEnvironment Tools { get; private set; } = null!;
    public PackageFactory Packages { get; private set; } = null!;
    public Publishers Publish { get; private set; } = null!;
    public IndexClient Index { get; private set; } = null!;
    public BulwarkCli Cli { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        Tools = new ToolEnvironment(Root);
        Packages = new PackageFactory(Path.Combine(Root, "packages"), Tools);
        Publish = new Publishers(Tools, Root);
        Server = await LiveServer.StartAsync(Path.Combine(Root, "data"));
        Index = new IndexClient(Server);
        Cli = new BulwarkCli(Server.DataDirectory, NewDirectory("cli"));
    }

    /// <summary>A fresh directory under the run's root.</summary>
    public string NewDirectory(string label)
    {
        var dir = Path.Combine(Root, "work", $"{Interlocked.Increment(ref _dirs):D3}-{label}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs <paramref name="setup"/> once per run under <paramref name="key"/> (shared uploads for theories).</summary>
    public Task OnceAsync(string key, Func<Task> setup) => _once.GetOrAdd(key, _ => new Lazy<Task>(setup)).Value;

    /// <summary>Builds <paramref name="projects"/> and uploads them with twine and a token for <paramref name="user"/>.</summary>
    public async Task<IReadOnlyList<BuiltPackage>> BuildAndUploadAsync(string user, params PythonProject[] projects)
    {
        var token = await Server.CreateTokenAsync(user);
        var built = new List<BuiltPackage>();
        foreach (var project in projects)
        {
            var package = await Packages.BuildAsync(project);
            var mark = Server.Requests.Mark();
            var upload = await Publish.TwineUploadAsync(Server.UploadUrl, token, package.Files);
            Check.Succeeded(upload, this, mark, $"twine upload of {project.Name} {project.Version}");
            built.Add(package);
        }
        return built;
    }

    /// <summary>
    /// <c>dotnet publish</c> of the server, once per run: the output tests start as a service manager would.
    /// </summary>
    public async Task<string> PublishOnceAsync()
    {
        var folder = Path.Combine(Root, "published");
        await OnceAsync("dotnet publish", async () =>
        {
            var result = await BulwarkProcess.PublishAsync(folder, NewDirectory("publish-home"));
            Check.Succeeded(result, this, 0, "dotnet publish src/Bulwark");
        });
        return folder;
    }

    public async Task DisposeAsync()
    {
        Index?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        if (Environment.GetEnvironmentVariable("BULWARK_E2E_KEEP") is not { Length: > 0 })
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "end-to-end";
}
