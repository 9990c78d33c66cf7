using System.Net;
using System.Text;
using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>The harness itself: real builds with each backend, a real socket, the request log.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class HarnessTests(EndToEndFixture e2e)
{
    [Theory]
    [InlineData(BuildBackend.Setuptools)]
    [InlineData(BuildBackend.Hatchling)]
    [InlineData(BuildBackend.FlitCore)]
    public async Task Package_factory_builds_a_wheel_and_an_sdist_with_real_metadata(BuildBackend backend)
    {
        var name = "bwharness" + backend.ToString().ToLowerInvariant();
        var project = new PythonProject(name, "1.2.3", backend)
        {
            Dependencies = ["bwsomething>=1.0"],
            RequiresPython = ">=3.8",
            Readme = "# Harness\n\nSome *markdown* text.\n",
        };

        var built = await e2e.Packages.BuildAsync(project);

        Assert.EndsWith("-1.2.3-py3-none-any.whl", built.WheelName);
        Assert.EndsWith("-1.2.3.tar.gz", built.SdistName);
        var metadata = Encoding.UTF8.GetString(built.WheelMetadata());
        Assert.Contains($"Name: {name}\n", metadata);
        Assert.Contains("Version: 1.2.3\n", metadata);
        Assert.Contains("Requires-Python: >=3.8\n", metadata);
        Assert.Matches(@"Requires-Dist: bwsomething ?\(?>=1\.0\)?\n", metadata);
        Assert.Contains("Description-Content-Type: text/markdown", metadata);
        Assert.Contains("Some *markdown* text.", metadata);
        Assert.Same(built, await e2e.Packages.BuildAsync(project with { })); // built once per run
    }

    [Fact]
    public async Task Server_listens_on_a_real_loopback_socket_and_logs_requests()
    {
        var mark = e2e.Server.Requests.Mark();
        using var raw = new HttpClient();
        raw.DefaultRequestHeaders.UserAgent.ParseAdd("bulwark-harness/1.0");

        var response = await raw.GetAsync(new Uri(e2e.Server.BaseUri, "_health?probe=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(IPAddress.Loopback.ToString(), e2e.Server.BaseUri.Host);
        var logged = Assert.Single(e2e.Server.Requests.Since(mark), r => r.Path == "/_health?probe=1");
        Assert.Equal("GET", logged.Method);
        Assert.Equal(200, logged.Status);
        Assert.Equal("bulwark-harness/1.0", logged.UserAgent);
    }

    [Fact]
    public async Task Tools_run_without_the_machines_pip_configuration()
    {
        var env = e2e.Tools.Variables();
        Assert.DoesNotContain("PIP_FIND_LINKS", env.Keys);
        Assert.Equal("/dev/null", env["PIP_CONFIG_FILE"]);

        var result = await new ExternalProcess
        {
            FileName = "/usr/bin/python3",
            Arguments = ["-m", "pip", "config", "list"],
            Environment = env,
        }.RunAsync();

        // Only what ToolEnvironment itself sets may show up: no config file, no machine variable.
        Assert.True(result.Succeeded, result.Describe());
        Assert.DoesNotContain("find-links", result.Stdout);
        Assert.DoesNotContain("global.", result.Stdout);
        Assert.Contains(":env:.config-file='/dev/null'", result.Stdout);
    }
}
