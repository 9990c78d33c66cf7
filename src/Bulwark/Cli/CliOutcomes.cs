using Bulwark.Core.Outcomes;

namespace Bulwark.Cli;

/// <summary>
/// The command line's edge: a Core <see cref="Refusal"/> becomes "error: MESSAGE" on standard error and an exit
/// code. The codes are the verbs' codes as they were before refusals had kinds: 0 done, 1 refused. 2 is bad
/// input for the verbs that have always said so (the moderation verbs pass <see cref="BadInput"/> for
/// <see cref="RefusalKind.Invalid"/>), and a configuration problem elsewhere, which is not a refusal of a use case.
/// </summary>
internal static class CliOutcomes
{
    public const int Done = 0;
    public const int Refused = 1;
    public const int BadInput = 2;

    /// <summary>
    /// The exit code of a refusal; one place, so that a kind that needs its own code gets it here.
    /// <paramref name="invalidExitCode"/> is what the verb answers for <see cref="RefusalKind.Invalid"/>.
    /// </summary>
    public static int ExitCodeOf(RefusalKind kind, int invalidExitCode = Refused) => kind switch
    {
        RefusalKind.Invalid => invalidExitCode,
        RefusalKind.Unauthenticated or RefusalKind.WrongCredentials or RefusalKind.Forbidden
            or RefusalKind.NotFound or RefusalKind.Conflict or RefusalKind.Gone or RefusalKind.LinkRejected
            or RefusalKind.Throttled or RefusalKind.Unavailable => Refused,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Every refusal kind needs an exit code."),
    };

    public static async Task<int> RefuseAsync(TextWriter stderr, Refusal refusal, int invalidExitCode = Refused)
    {
        await stderr.WriteLineAsync("error: " + refusal.Message);
        return ExitCodeOf(refusal.Kind, invalidExitCode);
    }

    /// <summary>For use cases whose value is the sentence that reports what was done.</summary>
    public static async Task<int> ReportAsync(TextWriter stdout, TextWriter stderr, Outcome<string> outcome)
    {
        if (!outcome.TryGetValue(out var done, out var refusal)) return await RefuseAsync(stderr, refusal);
        await stdout.WriteLineAsync(done);
        return Done;
    }
}
