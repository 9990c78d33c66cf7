namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real <c>Bulwark.dll</c> run as an operator would: <c>dotnet Bulwark.dll VERB ...</c> with
/// <c>Bulwark__DataDirectory</c> pointing at the live server's data directory, and any further
/// <paramref name="settings"/> (configuration keys such as <c>Bulwark:TrustedPublishing:Issuers:0:Url</c>) as
/// environment variables, as an operator would set them.
/// </summary>
public sealed class BulwarkCli(string dataDirectory, string workingDirectory, IReadOnlyDictionary<string, string>? settings = null)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The app's entry assembly, copied next to the tests together with its runtimeconfig and deps files.</summary>
    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Bulwark.dll");
            if (!File.Exists(path) || !File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")))
            {
                throw new FileNotFoundException($"Bulwark.dll and Bulwark.runtimeconfig.json were expected in {AppContext.BaseDirectory}.");
            }
            return path;
        }
    }

    /// <summary>The dotnet host running these tests (set by the SDK), else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public Task<ProcessResult> RunAsync(string[] args, string? stdin = null)
    {
        var env = HostEnvironment(workingDirectory);
        env["Bulwark__DataDirectory"] = dataDirectory;
        env["Bulwark__Database"] = "Sqlite";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) env[key.Replace(":", "__")] = value;
        return new ExternalProcess
        {
            FileName = DotnetHost,
            Arguments = [AssemblyPath, .. args],
            WorkingDirectory = workingDirectory,
            Environment = env,
            Stdin = stdin,
            Timeout = Timeout,
        }.RunAsync();
    }

    /// <summary>A clean environment for the dotnet host: PATH, <paramref name="home"/>, and the host's own variables.</summary>
    public static Dictionary<string, string> HostEnvironment(string home)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = home,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var name in new[] { "DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) env[name] = value;
        }
        return env;
    }
}
