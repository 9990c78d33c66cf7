using Bulwark.Core.Outcomes;

namespace Bulwark.Tests.Accounts;

/// <summary>What a flow said: its sentence when it succeeded, the refusal's message when it did not.</summary>
internal static class OutcomeText
{
    public static string Said(this Outcome<string> outcome) => outcome.Match(done => done, refusal => refusal.Message);
}
