namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>Debian's upload clients: twine, poetry and flit, each driven the way their docs say.</summary>
public sealed class Publishers(ToolEnvironment tools, string workRoot)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// <c>twine upload --non-interactive --repository-url URL -u __token__ -p TOKEN FILES</c>, with
    /// <c>--verbose</c> so a failure shows the server's status line and body.
    /// </summary>
    public Task<ProcessResult> TwineUploadAsync(string uploadUrl, string token, IEnumerable<string> files, params string[] extraArgs) =>
        new ExternalProcess
        {
            FileName = "/usr/bin/twine",
            Arguments = ["--no-color", "upload", "--non-interactive", "--verbose", "--disable-progress-bar", "--repository-url", uploadUrl,
                "-u", "__token__", "-p", token, .. extraArgs, .. files],
            WorkingDirectory = workRoot,
            Environment = tools.Variables(),
            Secrets = [token],
            Timeout = Timeout,
        }.RunAsync();

    /// <summary>
    /// <c>poetry publish --build -r bulwark -n</c> with the repository and its credentials given only through
    /// <c>POETRY_REPOSITORIES_BULWARK_URL</c> and <c>POETRY_HTTP_BASIC_BULWARK_USERNAME/PASSWORD</c>.
    /// </summary>
    public Task<ProcessResult> PoetryPublishAsync(string projectDir, string uploadUrl, string token) =>
        new ExternalProcess
        {
            FileName = "/usr/bin/poetry",
            Arguments = ["publish", "--build", "-r", "bulwark", "-n", "-v"],
            WorkingDirectory = projectDir,
            Environment = tools.Variables(new Dictionary<string, string>
            {
                ["POETRY_REPOSITORIES_BULWARK_URL"] = uploadUrl,
                ["POETRY_HTTP_BASIC_BULWARK_USERNAME"] = "__token__",
                ["POETRY_HTTP_BASIC_BULWARK_PASSWORD"] = token,
            }),
            Secrets = [token],
            Timeout = Timeout,
        }.RunAsync();

    /// <summary><c>flit publish</c> with <c>FLIT_INDEX_URL</c>, <c>FLIT_USERNAME</c> and <c>FLIT_PASSWORD</c>.</summary>
    public Task<ProcessResult> FlitPublishAsync(string projectDir, string uploadUrl, string token) =>
        new ExternalProcess
        {
            FileName = "/usr/bin/flit",
            Arguments = ["publish"],
            WorkingDirectory = projectDir,
            Environment = tools.Variables(new Dictionary<string, string>
            {
                ["FLIT_INDEX_URL"] = uploadUrl,
                ["FLIT_USERNAME"] = "__token__",
                ["FLIT_PASSWORD"] = token,
                // flit validates classifiers against a list it would otherwise try to download from PyPI.
                ["FLIT_NO_NETWORK"] = "1",
            }),
            Secrets = [token],
            Timeout = Timeout,
        }.RunAsync();
}
