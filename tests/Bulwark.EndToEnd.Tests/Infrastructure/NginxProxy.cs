using System.Diagnostics;
using System.Net;
using System.Text;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>
/// nginx on a loopback port, running the site in <c>docs/deploy/bulwark-nginx.conf</c> with its ports replaced
/// by the test's: the configuration an operator installs is the one under test. It also adds a response header
/// naming the instance that answered, so a test can tell where each request landed.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    /// <summary>The header naming the upstream that answered (only in the test's copy of the site).</summary>
    public const string UpstreamHeader = "X-Test-Upstream";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NginxProxy(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }
    public string Directory { get; }
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    public string ErrorLog => File.Exists(Path.Combine(Directory, "error.log")) ? File.ReadAllText(Path.Combine(Directory, "error.log")) : "";

    /// <summary>Starts nginx in front of <paramref name="upstreams"/> (two loopback ports, as in the shipped site).</summary>
    public static async Task<NginxProxy> StartAsync(string directory, int port, int firstUpstream, int secondUpstream)
    {
        var site = Template(await File.ReadAllTextAsync(SitePath), port, firstUpstream, secondUpstream);
        await File.WriteAllTextAsync(Path.Combine(directory, "site.conf"), site);
        await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), $$"""
            worker_processes 1;
            daemon off;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log {{directory}}/access.log;
                client_body_temp_path {{directory}}/client-body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include {{directory}}/site.conf;
            }
            """);
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-p", directory, "-c", Path.Combine(directory, "nginx.conf"), "-e", Path.Combine(directory, "error.log")]) psi.ArgumentList.Add(a);
        var proxy = new NginxProxy(new Process { StartInfo = psi }, port, directory);
        proxy._process.OutputDataReceived += (_, e) => proxy.Append(e.Data);
        proxy._process.ErrorDataReceived += (_, e) => proxy.Append(e.Data);
        proxy._process.Start();
        proxy._process.BeginOutputReadLine();
        proxy._process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && !proxy._process.HasExited)
        {
            try
            {
                if ((await http.GetAsync("_health")).StatusCode == HttpStatusCode.OK) return proxy;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        var output = proxy.Output + proxy.ErrorLog;
        await proxy.DisposeAsync();
        throw new InvalidOperationException($"nginx did not proxy /_health on port {port}.\n{output}");
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>The shipped site with the test's ports; each replaced line must exist, so the file and the test cannot drift apart.</summary>
    public static string Template(string site, int port, int firstUpstream, int secondUpstream)
    {
        (string From, string To)[] edits =
        [
            ("listen 80;", $"listen 127.0.0.1:{port};"),
            ("server 127.0.0.1:8081 ", $"server 127.0.0.1:{firstUpstream} "),
            ("server 127.0.0.1:8082 ", $"server 127.0.0.1:{secondUpstream} "),
            ("proxy_pass http://bulwark;", $"proxy_pass http://bulwark;\n        add_header {UpstreamHeader} $upstream_addr always;"),
        ];
        foreach (var (from, to) in edits)
        {
            if (!site.Contains(from, StringComparison.Ordinal)) throw new InvalidOperationException($"docs/deploy/bulwark-nginx.conf no longer contains '{from}'.");
            site = site.Replace(from, to, StringComparison.Ordinal);
        }
        return site;
    }

    private static string Executable => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    private static string SitePath
    {
        get
        {
            var repository = new DirectoryInfo(AppContext.BaseDirectory);
            while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "Bulwark.slnx"))) repository = repository.Parent;
            return Path.Combine(repository?.FullName ?? throw new InvalidOperationException("No Bulwark.slnx above the tests."), "docs", "deploy", "bulwark-nginx.conf");
        }
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
        }
        _process.Dispose();
    }
}
