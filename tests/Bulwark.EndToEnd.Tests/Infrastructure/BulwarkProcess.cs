using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real server as its own process, as a service manager runs it: <c>dotnet Bulwark.dll [ARGS] --urls ...</c> in a
/// working directory of the test's choosing, with a clean environment. <see cref="PublishAsync"/> makes the
/// published output to run.
/// </summary>
public sealed class BulwarkProcess : IAsyncDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BulwarkProcess(Process process, int port)
    {
        _process = process;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseUri { get; }

    /// <summary>Everything the server printed so far (its log), for assertions and failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>
    /// <c>dotnet publish src/Bulwark --no-build</c> into <paramref name="folder"/>: the build the tests run on,
    /// laid out as it would be deployed.
    /// </summary>
    public static async Task<ProcessResult> PublishAsync(string folder, string home)
    {
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "Bulwark.slnx"))) repository = repository.Parent;
        if (repository is null) throw new InvalidOperationException($"No Bulwark.slnx above {AppContext.BaseDirectory}.");
        var project = Path.Combine(repository.FullName, "src", "Bulwark", "Bulwark.csproj");
        return await new ExternalProcess
        {
            FileName = BulwarkCli.DotnetHost,
            Arguments = ["publish", project, "-c", Configuration, "--no-build", "-o", folder, "-nologo", "-v", "q"],
            WorkingDirectory = repository.FullName,
            Environment = BulwarkCli.HostEnvironment(home),
            Timeout = TimeSpan.FromMinutes(5),
        }.RunAsync();
    }

    /// <summary>
    /// Starts <c>dotnet {folder}/Bulwark.dll ARGUMENTS --urls http://127.0.0.1:PORT</c> in
    /// <paramref name="workingDirectory"/> and waits for <c>/_health</c>. Only <paramref name="variables"/>, PATH,
    /// HOME and the dotnet host's own variables are in its environment.
    /// </summary>
    public static async Task<BulwarkProcess> StartAsync(string folder, string workingDirectory, string home,
        IReadOnlyDictionary<string, string>? variables = null, IReadOnlyList<string>? arguments = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var psi = new ProcessStartInfo(BulwarkCli.DotnetHost)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var a in (string[])[Path.Combine(folder, "Bulwark.dll"), .. arguments ?? [], "--urls", $"http://127.0.0.1:{port}"]) psi.ArgumentList.Add(a);
            psi.Environment.Clear();
            foreach (var (k, v) in Environment(home, variables ?? new Dictionary<string, string>())) psi.Environment[k] = v;

            var server = new BulwarkProcess(new Process { StartInfo = psi }, port);
            server.Start();
            if (await server.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1))) return server;
            var output = server.Output;
            await server.DisposeAsync();
            // Someone else took the port between the probe and the server's bind: try another.
            if (attempt < 5 && output.Contains("address already in use", StringComparison.OrdinalIgnoreCase)) continue;
            throw new InvalidOperationException($"Bulwark ({folder}) did not answer /_health.\n{output}");
        }
    }

    private void Start()
    {
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task<bool> WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = CreateHttpClient();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                if ((await http.GetAsync("_health")).StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        return false;
    }

    public HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };

    private static Dictionary<string, string> Environment(string home, IReadOnlyDictionary<string, string> variables)
    {
        var env = BulwarkCli.HostEnvironment(home);
        foreach (var (k, v) in variables) env[k] = v;
        return env;
    }

    /// <summary>A loopback port free at the moment of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }
}
