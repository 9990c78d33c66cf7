using Bulwark.Core.Outcomes;

namespace Bulwark.Cli;

/// <summary>The command line's edge for refusals: the message on standard error and an exit code (2 for bad input, 1 otherwise).</summary>
internal static class CliOutcome
{
    public static int ExitCode(Refusal refusal) => refusal.Kind == RefusalKind.Invalid ? 2 : 1;

    public static async Task<int> RefuseAsync(TextWriter stderr, Refusal refusal)
    {
        await stderr.WriteLineAsync($"error: {refusal.Message}");
        return ExitCode(refusal);
    }
}
