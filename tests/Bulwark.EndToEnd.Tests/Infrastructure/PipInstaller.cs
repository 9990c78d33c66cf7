using System.Text.Json;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

public enum PipFlavour
{
    /// <summary>Debian's pip 23.0 in a fresh <c>/usr/bin/python3 -m venv</c>.</summary>
    DebianVenv,

    /// <summary>The first <c>python3</c> on PATH (pyenv's pip 23.2 here) with <c>pip install --target DIR</c>.</summary>
    PathPythonTarget,
}

/// <summary>
/// One place to install into with one pip. Every call passes <c>--isolated --no-cache-dir
/// --disable-pip-version-check --no-input</c> and runs in <see cref="ToolEnvironment"/>, so neither the
/// machine's pip config nor a cache can answer in the server's stead.
/// </summary>
public sealed class PipInstaller
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly ToolEnvironment _tools;
    private readonly string _directory;
    private readonly string? _target;

    private PipInstaller(PipFlavour flavour, string directory, string python, string? target, ToolEnvironment tools)
    {
        Flavour = flavour;
        _directory = directory;
        Python = python;
        _target = target;
        _tools = tools;
    }

    public PipFlavour Flavour { get; }

    /// <summary>The interpreter whose pip runs (inside the venv for <see cref="PipFlavour.DebianVenv"/>).</summary>
    public string Python { get; }

    public static async Task<PipInstaller> CreateAsync(PipFlavour flavour, string directory, ToolEnvironment tools)
    {
        Directory.CreateDirectory(directory);
        if (flavour == PipFlavour.DebianVenv)
        {
            var venv = Path.Combine(directory, "venv");
            var made = await new ExternalProcess
            {
                FileName = "/usr/bin/python3",
                Arguments = ["-m", "venv", venv],
                WorkingDirectory = directory,
                Environment = tools.Variables(),
                Timeout = TimeSpan.FromMinutes(2),
            }.RunAsync();
            if (!made.Succeeded) throw new InvalidOperationException($"Could not create a venv.\n{made.Describe()}");
            return new PipInstaller(flavour, directory, Path.Combine(venv, "bin", "python"), null, tools);
        }
        var target = Path.Combine(directory, "target");
        Directory.CreateDirectory(target);
        return new PipInstaller(flavour, directory, await PathPython.Value, target, tools);
    }

    /// <summary>
    /// The real interpreter behind the first <c>python3</c> on the test runner's PATH. pyenv puts a shell
    /// shim there that needs the caller's HOME, so it is asked once, with the caller's environment.
    /// </summary>
    private static readonly Lazy<Task<string>> PathPython = new(async () =>
    {
        var env = new Dictionary<string, string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables()) env[(string)e.Key] = (string?)e.Value ?? "";
        var probe = await new ExternalProcess
        {
            FileName = "python3",
            Arguments = ["-c", "import sys; print(sys.executable)"],
            Environment = env,
            Timeout = TimeSpan.FromMinutes(1),
        }.RunAsync();
        if (!probe.Succeeded) throw new InvalidOperationException($"No python3 on PATH.\n{probe.Describe()}");
        return probe.Stdout.Trim();
    });

    public Task<ProcessResult> InstallAsync(string indexUrl, params string[] requirements)
    {
        var args = new List<string>
        {
            "-m", "pip", "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check", "--no-input",
            "--progress-bar", "off", "--root-user-action", "ignore", "--retries", "1", "--timeout", "30", "--index-url", indexUrl,
        };
        if (_target is not null) args.AddRange(["--target", _target]);
        args.AddRange(requirements);
        return Run(args);
    }

    /// <summary>Installed distributions, normalized name → version, read with importlib.metadata.</summary>
    public async Task<Dictionary<string, string>> InstalledAsync()
    {
        var path = _target is null ? "None" : PythonProject.Toml(_target);
        var script = "import importlib.metadata as m, json, re, sys\n" +
                     $"dists = m.distributions(path=[{path}]) if {path} is not None else m.distributions()\n" +
                     "print(json.dumps({re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(): d.version for d in dists}))\n";
        var result = await Run(["-c", script]);
        if (!result.Succeeded) throw new InvalidOperationException($"Could not list installed packages.\n{result.Describe()}");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(result.Stdout.Trim())!;
    }

    /// <summary>Imports <paramref name="module"/> from the installed packages and returns its <c>identify()</c>.</summary>
    public Task<ProcessResult> ImportAsync(string module) =>
        Run(["-c", $"import {module}; print({module}.identify())"], importTarget: true);

    /// <summary>The pip version ("pip 23.2.1 from ..."), which decides what a client can be expected to use.</summary>
    public async Task<Version> PipVersionAsync()
    {
        var result = await Run(["-m", "pip", "--version"]);
        var match = System.Text.RegularExpressions.Regex.Match(result.Stdout, @"^pip (\d+)\.(\d+)");
        if (!result.Succeeded || !match.Success) throw new InvalidOperationException($"Could not read pip's version.\n{result.Describe()}");
        return new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
    }

    private Task<ProcessResult> Run(IReadOnlyList<string> args, bool importTarget = false)
    {
        var extra = new Dictionary<string, string>();
        if (importTarget && _target is not null) extra["PYTHONPATH"] = _target;
        return new ExternalProcess
        {
            FileName = Python,
            Arguments = args,
            WorkingDirectory = _directory,
            Environment = _tools.Variables(extra),
            Timeout = Timeout,
        }.RunAsync();
    }
}
