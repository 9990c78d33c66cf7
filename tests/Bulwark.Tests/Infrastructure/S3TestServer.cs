using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Bulwark.Storage.S3;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// A real S3-protocol server for tests: s3rver (<c>tests/s3</c>, installed by <c>scripts/test.sh</c> with
/// <c>npm ci</c>) on a port of its choosing on 127.0.0.1, over a temporary directory, with one bucket. A missing
/// server is a failure, never a skip: a suite that silently skipped object storage would prove nothing.
/// </summary>
public sealed class S3TestServer : IAsyncDisposable
{
    /// <summary>s3rver's built-in account.</summary>
    public static readonly AWSCredentials Credentials = new BasicAWSCredentials("S3RVER", "S3RVER");

    private readonly Process _process;

    private S3TestServer(Process process, string directory, string bucket, int port)
    {
        _process = process;
        Directory = directory;
        Bucket = bucket;
        ServiceUrl = $"http://127.0.0.1:{port}";
    }

    public string ServiceUrl { get; }
    public string Bucket { get; }

    /// <summary>Where s3rver keeps the bucket on disk.</summary>
    public string Directory { get; }

    public static async Task<S3TestServer> StartAsync(string bucket = "bulwark")
    {
        var s3 = Path.Combine(RepositoryRoot(), "tests", "s3");
        if (!File.Exists(Path.Combine(s3, "node_modules", "s3rver", "package.json")))
        {
            throw new InvalidOperationException($"s3rver is not installed in {s3}: run 'npm ci' there (scripts/test.sh does).");
        }
        var directory = Path.Combine(Path.GetTempPath(), "bulwark-s3", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("node", [Path.Combine(s3, "server.js"), directory, bucket, "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = s3,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("node is not installed; scripts/test.sh installs it.", e);
        }
        var errors = process.StandardError.ReadToEndAsync();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal) || !int.TryParse(line["listening ".Length..], out var port))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"s3rver did not start: {line}\n{await errors}");
        }
        var server = new S3TestServer(process, directory, bucket, port);
        // Never outlive the test run, whichever way the fixture is torn down.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>Settings that point Bulwark at this server (credentials are added as a service, see <see cref="Credentials"/>).</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings(S3DownloadMode downloads = S3DownloadMode.Proxy, string prefix = "") =>
    [
        new("Bulwark:Storage:Kind", "S3"),
        new("Bulwark:Storage:S3:ServiceUrl", ServiceUrl),
        new("Bulwark:Storage:S3:Bucket", Bucket),
        new("Bulwark:Storage:S3:ForcePathStyle", "true"),
        new("Bulwark:Storage:S3:Prefix", prefix),
        new("Bulwark:Storage:S3:Downloads", downloads.ToString()),
    ];

    public S3StorageOptions Options(string prefix = "") => new() { ServiceUrl = ServiceUrl, Bucket = Bucket, ForcePathStyle = true, Prefix = prefix };

    /// <summary>A client of its own, to look into the bucket behind Bulwark's back.</summary>
    public IAmazonS3 CreateClient() => S3Clients.Create(Options(), Credentials);

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No Bulwark.slnx above {AppContext.BaseDirectory}.");
    }
}
