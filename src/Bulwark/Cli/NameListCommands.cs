using System.CommandLine;
using Bulwark.Core.Audit;
using Bulwark.Core.Moderation.Typosquats;

namespace Bulwark.Cli;

/// <summary>
/// The admins' lists of the typosquat check and the sweep over existing names: <c>names protect NAME [--remove]</c>,
/// <c>names allow NAME SIMILAR [--remove]</c>, <c>names list</c>, <c>names sweep [--dry-run]</c>. Each change is
/// audited with the verb as the actor; the server rebuilds its protected set at the next creation.
/// </summary>
internal static class NameListCommands
{
    public static IEnumerable<Command> Build(TextWriter stdout, TextWriter stderr)
    {
        yield return Protect(stdout, stderr);
        yield return Allow(stdout, stderr);
        yield return List(stdout);
        yield return Sweep(stdout);
    }

    private static Command Protect(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("protect",
            "Add a name to the protected set (new projects resembling it are held or refused), or take it out with --remove.");
        var name = new Argument<string>("NAME") { Description = "The name to protect (any spelling)." };
        var remove = new Option<bool>("--remove") { Description = "Take the name out of the admins' additions." };
        command.Arguments.Add(name);
        command.Options.Add(remove);
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var removing = parse.GetValue(remove);
            var outcome = await sp.GetRequiredService<NameLists>().ProtectAsync(parse.GetValue(name), removing, Actor.Cli("names protect"), ct);
            if (!outcome.TryGetValue(out var changed, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal, CliOutcomes.BadInput);
            var shown = Core.Packaging.ProjectName.Normalize(parse.GetValue(name)!.Trim());
            await stdout.WriteLineAsync((removing, changed) switch
            {
                (false, true) => $"'{shown}' is protected.",
                (false, false) => $"'{shown}' was already protected.",
                (true, true) => $"'{shown}' is no longer among the protected additions.",
                (true, false) => $"'{shown}' was not among the protected additions.",
            });
            return 0;
        }));
        return command;
    }

    private static Command Allow(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("allow",
            "Let NAME be created although it resembles the protected SIMILAR (an exception for that one pair), or withdraw it with --remove.");
        var name = new Argument<string>("NAME") { Description = "The new project's name." };
        var similar = new Argument<string>("SIMILAR") { Description = "The protected name it resembles." };
        var remove = new Option<bool>("--remove") { Description = "Withdraw the exception." };
        command.Arguments.Add(name);
        command.Arguments.Add(similar);
        command.Options.Add(remove);
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var removing = parse.GetValue(remove);
            var outcome = await sp.GetRequiredService<NameLists>().AllowAsync(parse.GetValue(name), parse.GetValue(similar), removing, Actor.Cli("names allow"), ct);
            if (!outcome.TryGetValue(out var changed, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal, CliOutcomes.BadInput);
            var pair = $"'{Core.Packaging.ProjectName.Normalize(parse.GetValue(name)!.Trim())}' next to '{Core.Packaging.ProjectName.Normalize(parse.GetValue(similar)!.Trim())}'";
            await stdout.WriteLineAsync((removing, changed) switch
            {
                (false, true) => $"Allowed: {pair}.",
                (false, false) => $"Already allowed: {pair}.",
                (true, true) => $"No longer allowed: {pair}.",
                (true, false) => $"Was not allowed: {pair}.",
            });
            return 0;
        }));
        return command;
    }

    private static Command List(TextWriter stdout)
    {
        var command = new Command("list", "Show the admins' protected names and allowed pairs.");
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var lists = await sp.GetRequiredService<NameLists>().ListAsync(ct);
            await stdout.WriteLineAsync($"Protected names added by admins ({lists.Protected.Count}):");
            foreach (var p in lists.Protected) await stdout.WriteLineAsync($"  {p.NormalizedName}  (since {p.AddedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC)");
            await stdout.WriteLineAsync($"Allowed pairs ({lists.AllowedPairs.Count}):");
            foreach (var p in lists.AllowedPairs) await stdout.WriteLineAsync($"  {p.Candidate} next to {p.Protected}  (since {p.AddedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC)");
            return 0;
        }));
        return command;
    }

    private static Command Sweep(TextWriter stdout)
    {
        var command = new Command("sweep",
            "Check every existing project's name against the protected set and file a typosquat report for each hit not reported before.");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the hits, file nothing." };
        command.Options.Add(dryRun);
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var dry = parse.GetValue(dryRun);
            var result = await sp.GetRequiredService<NameSweep>().RunAsync(dry, ct);
            foreach (var hit in result.Hits)
            {
                var state = hit.AlreadyReported ? "already reported" : dry ? "would report" : "reported";
                await stdout.WriteLineAsync($"{hit.Project}: resembles '{hit.SimilarTo}' (rule: {hit.Rule}, verdict: {hit.Verdict}): {state}");
            }
            await stdout.WriteLineAsync(dry
                ? $"Checked {result.Checked} projects: {result.Hits.Count} hits, {result.Hits.Count(h => !h.AlreadyReported)} would be reported (dry run, nothing filed)."
                : $"Checked {result.Checked} projects: {result.Hits.Count} hits, {result.Filed} reports filed, {result.Hits.Count(h => h.AlreadyReported)} already reported.");
            return 0;
        }));
        return command;
    }
}
