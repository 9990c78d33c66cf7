using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// The real binary as an operator starts it: health probes, metrics on a listener of their own, and a log of one
/// JSON object per line on standard output.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OperatorProcessTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task Probes_answer_metrics_stay_on_their_own_port_and_the_log_is_json_lines()
    {
        var (index, metrics) = (FreePort(), FreePort());
        var output = new List<string>();
        var start = new ProcessStartInfo(BulwarkCli.DotnetHost)
        {
            ArgumentList =
            {
                BulwarkCli.AssemblyPath, "--urls", $"http://127.0.0.1:{index}",
                "--Bulwark:Metrics:Enabled=true", $"--Bulwark:Metrics:Urls=http://127.0.0.1:{metrics}",
                "--Bulwark:Logging:Format=Json", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            },
            WorkingDirectory = e2e.NewDirectory("operator-process"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Bulwark__DataDirectory"] = Path.Combine(start.WorkingDirectory, "data");
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Log() { lock (output) return string.Join('\n', output); }
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var healthz = await WaitForAsync(http, $"http://127.0.0.1:{index}/healthz", process);
            Assert.True(healthz == HttpStatusCode.OK, $"/healthz answered {healthz}\n{Log()}");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{index}/readyz")).StatusCode);

            var scrape = await http.GetAsync($"http://127.0.0.1:{metrics}/metrics");
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            var text = await scrape.Content.ReadAsStringAsync();
            Assert.Contains("http_server_request_duration_seconds_count{", text);
            Assert.Contains("http_route=\"/healthz\"", text);

            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{index}/metrics")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{metrics}/simple/")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{index}/simple/")).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        string[] lines;
        lock (output) lines = [.. output.Where(l => l.Length > 0)];
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, entry.RootElement.ValueKind);
            Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
            Assert.EndsWith("Z", entry.RootElement.GetProperty("Timestamp").GetString());
        }
        Assert.Contains(lines, l => l.Contains($"http://127.0.0.1:{metrics}", StringComparison.Ordinal) && l.Contains("Now listening on", StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode?> WaitForAsync(HttpClient http, string url, Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                return (await http.GetAsync(url)).StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }
        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
