using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Assertions that put the tool's whole output and the server's view (requests since a mark, warnings and
/// errors) into the failure message. The <see cref="EndToEndFixture"/> overloads use the shared server.
/// </summary>
public static class Check
{
    public static void Succeeded(ProcessResult result, EndToEndFixture e2e, int requestsSince, string what) =>
        Succeeded(result, e2e.Server, requestsSince, what);

    public static void Succeeded(ProcessResult result, LiveServer server, int requestsSince, string what)
    {
        if (!result.Succeeded)
        {
            throw new XunitException($"{what} failed.\n{result.Describe()}\n{server.Diagnostics(requestsSince)}");
        }
    }

    public static void Failed(ProcessResult result, EndToEndFixture e2e, int requestsSince, string what) =>
        Failed(result, e2e.Server, requestsSince, what);

    public static void Failed(ProcessResult result, LiveServer server, int requestsSince, string what)
    {
        if (result.TimedOut || result.ExitCode == 0)
        {
            throw new XunitException($"{what} was expected to fail with a non-zero exit code.\n{result.Describe()}\n{server.Diagnostics(requestsSince)}");
        }
    }

    public static void OutputContains(ProcessResult result, string expected, EndToEndFixture e2e, int requestsSince) =>
        OutputContains(result, expected, e2e.Server, requestsSince);

    /// <summary>Case-insensitive, with runs of whitespace collapsed: rich (twine) and cleo (poetry) wrap long lines.</summary>
    public static void OutputContains(ProcessResult result, string expected, LiveServer server, int requestsSince)
    {
        if (!Collapse(result.Output).Contains(Collapse(expected), StringComparison.OrdinalIgnoreCase))
        {
            throw new XunitException($"Expected the output to contain \"{expected}\".\n{result.Describe()}\n{server.Diagnostics(requestsSince)}");
        }
    }

    public static void That(bool condition, string message, EndToEndFixture e2e, int requestsSince = 0, ProcessResult? result = null) =>
        That(condition, message, e2e.Server, requestsSince, result);

    public static void That(bool condition, string message, LiveServer server, int requestsSince = 0, ProcessResult? result = null)
    {
        if (!condition)
        {
            throw new XunitException($"{message}\n{result?.Describe()}\n{server.Diagnostics(requestsSince)}");
        }
    }

    private static string Collapse(string text) => Regex.Replace(text, @"\s+", " ");
}
