using System.CommandLine;
using System.Globalization;
using Bulwark.Core.Audit;
using Bulwark.Core.Policies;
using Microsoft.Extensions.Options;

namespace Bulwark.Cli;

/// <summary><c>project critical recompute|add|remove|list</c>: the critical-project cohort.</summary>
internal static class CriticalCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var critical = new Command("critical", "The critical-project cohort: top projects by downloads plus the always-critical list.");
        critical.Subcommands.Add(Recompute(stdout));
        critical.Subcommands.Add(Add(stdout, stderr));
        critical.Subcommands.Add(Remove(stdout, stderr));
        critical.Subcommands.Add(List(stdout));
        return critical;
    }

    private static Command Recompute(TextWriter stdout)
    {
        var command = new Command("recompute", "Recompute the cohort from download counts now and print what changed (the server also does this on a schedule).");
        command.SetAction(async (_, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var r = await sp.GetRequiredService<CriticalRecompute>().RunAsync(Actor.Cli("project critical recompute"), ct);
            await stdout.WriteLineAsync($"Window: {r.Window}.");
            await stdout.WriteLineAsync(r.TargetSize == 0
                ? $"Projects downloaded in the window: {N(r.Population)}; no cohort by downloads (top {r.TopPercent}%)."
                : $"Projects downloaded in the window: {N(r.Population)}; top {r.TopPercent}% = {N(r.TargetSize)}, cut-off {N(r.CutOff ?? 0)} downloads, floor {N(r.MinDownloads)}.");
            await stdout.WriteLineAsync($"Qualifying by downloads: {N(r.QualifyingByDownloads)}; critical before this run: {N(r.AlreadyCritical)}.");
            if (r.Marked.Count == 0)
            {
                await stdout.WriteLineAsync("No changes: no project became critical.");
            }
            else
            {
                await stdout.WriteLineAsync($"Newly critical: {N(r.Marked.Count)}");
                foreach (var m in r.Marked)
                {
                    var why = m.Reason == CriticalReason.AlwaysCriticalList ? "always-critical list" : $"rank {m.Rank}, {N(m.Downloads)} downloads";
                    await stdout.WriteLineAsync($"  {m.Name} ({why}); rules enforced from {Utc(m.EnforceAfter)}");
                }
            }
            if (r.Notified > 0) await stdout.WriteLineAsync($"Maintainers notified for {N(r.Notified)} project(s).");
            await stdout.WriteLineAsync($"Took {r.TotalTime.TotalSeconds:0.00} s (aggregation {r.AggregationTime.TotalSeconds:0.00} s).");
            return 0;
        }));
        return command;
    }

    private static Command Add(TextWriter stdout, TextWriter stderr) =>
        NameAndReason("add", "Put a project name on the always-critical list (an existing project becomes critical at once).",
            async (sp, project, reason, ct) =>
            {
                var added = await sp.GetRequiredService<CriticalProjectAdmin>().AddAsync(project, reason, Actor.Cli("project critical add"), ct);
                if (!added.TryGetValue(out var addition, out var refused)) return await CliOutcomes.RefuseAsync(stderr, refused);
                await stdout.WriteLineAsync(addition switch
                {
                    { Outcome: CriticalAddOutcome.ListedAndMarked, Marked: { } marked } =>
                        $"Listed {marked.Name} as always critical; it is critical now, rules enforced from {Utc(marked.EnforceAfter)}.",
                    { Outcome: CriticalAddOutcome.AlreadyListed } => $"{project} is already on the always-critical list.",
                    { Outcome: CriticalAddOutcome.ListedNotYetCreated } =>
                        $"Listed {project} as always critical; no project has this name yet, it becomes critical when one is created (at the next recompute).",
                    _ => $"Listed {project} as always critical; it was critical already.",
                });
                return CliOutcomes.Done;
            });

    private static Command Remove(TextWriter stdout, TextWriter stderr) =>
        NameAndReason("remove", "Take a project out of the critical cohort and off the always-critical list. " +
            "It is not marked again until its downloads after today qualify it.",
            async (sp, project, reason, ct) =>
            {
                var removed = await sp.GetRequiredService<CriticalProjectAdmin>().RemoveAsync(project, reason, Actor.Cli("project critical remove"), ct);
                if (!removed.Succeeded) return await CliOutcomes.RefuseAsync(stderr, removed.Refusal);
                await stdout.WriteLineAsync($"Removed {project} from the critical cohort.");
                return CliOutcomes.Done;
            });

    /// <summary>A verb that takes a project NAME and a --reason kept in the audit log.</summary>
    private static Command NameAndReason(string verb, string description, Func<IServiceProvider, string, string?, CancellationToken, Task<int>> run)
    {
        var command = new Command(verb, description);
        var name = new Argument<string>("NAME");
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the audit log)." };
        command.Arguments.Add(name);
        command.Options.Add(reason);
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(
            sp => run(sp, parse.GetValue(name)!, parse.GetValue(reason), ct)));
        return command;
    }

    private static Command List(TextWriter stdout)
    {
        var command = new Command("list", "List critical projects, the always-critical list and removals still in force.");
        command.SetAction(async (_, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var options = sp.GetRequiredService<IOptions<CriticalProjectOptions>>().Value;
            var window = DownloadWindow.Ending(sp.GetRequiredService<TimeProvider>().GetUtcNow(), options.CriticalWindowDays);
            var rows = await sp.GetRequiredService<CriticalProjectAdmin>().ListAsync(window, ct);
            if (rows.Count == 0)
            {
                await stdout.WriteLineAsync("No critical projects and nothing listed.");
                return 0;
            }
            foreach (var r in rows)
            {
                var state = r.CriticalSince is { } since ? $"critical since {Utc(since)}, enforced from {Utc(r.EnforceAfter ?? since)}"
                    : r.RemovedOn is { } removed ? $"removed by an admin on {removed:yyyy-MM-dd}"
                    : r.Exists ? "listed, not marked yet" : "listed, no such project yet";
                await stdout.WriteLineAsync($"{r.Name}\t{state}{(r.AlwaysCritical ? "\talways critical" : "")}");
            }
            return 0;
        }));
        return command;
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
