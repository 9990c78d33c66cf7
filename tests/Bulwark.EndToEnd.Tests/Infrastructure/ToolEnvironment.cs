namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The clean environment every Python tool runs in. The machine's own configuration must not leak into a
/// test: pip's config files and <c>PIP_*</c> variables (<c>PIP_FIND_LINKS</c> points at a local wheel
/// folder on some machines), the user's keyring, ~/.pypirc and poetry's config. So HOME and the XDG
/// folders point into the run's temp directory and only a short list of variables is passed through.
/// </summary>
public sealed class ToolEnvironment
{
    private static readonly string[] PassThrough = ["PATH", "LANG", "TZ", "TMPDIR", "SYSTEMROOT"];

    public ToolEnvironment(string root)
    {
        Home = Path.Combine(root, "home");
        Directory.CreateDirectory(Home);
    }

    public string Home { get; }

    /// <summary>The base variables; callers add their own on a copy.</summary>
    public Dictionary<string, string> Variables(IReadOnlyDictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in PassThrough)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value) env[name] = value;
        }
        env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        env["HOME"] = Home;
        env["XDG_CONFIG_HOME"] = Path.Combine(Home, ".config");
        env["XDG_CACHE_HOME"] = Path.Combine(Home, ".cache");
        env["XDG_DATA_HOME"] = Path.Combine(Home, ".local", "share");
        env["LC_ALL"] = "C.UTF-8";
        env["PYTHONDONTWRITEBYTECODE"] = "1";
        env["PYTHONUNBUFFERED"] = "1";
        env["NO_COLOR"] = "1";
        env["COLUMNS"] = "200"; // rich and cleo wrap at 80 columns without a terminal
        // pip: no config file at all (os.devnull disables every config file), no prompts, no version check.
        env["PIP_CONFIG_FILE"] = "/dev/null";
        env["PIP_NO_INPUT"] = "1";
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1";
        // keyring (twine, poetry, flit): never ask a real keyring; poetry 1.3 stops at the system keyring otherwise.
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring";
        if (extra is not null)
        {
            foreach (var (k, v) in extra) env[k] = v;
        }
        return env;
    }
}
