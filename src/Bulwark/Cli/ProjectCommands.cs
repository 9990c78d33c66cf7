using System.CommandLine;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;

namespace Bulwark.Cli;

internal static class ProjectCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var project = new Command("project", "Manage projects.");
        project.Subcommands.Add(YankCommand("yank", true, stdout, stderr));
        project.Subcommands.Add(YankCommand("unyank", false, stdout, stderr));
        project.Subcommands.Add(CriticalCommands.Build(stdout, stderr));
        project.Subcommands.Add(PublisherCommands.Build(stdout, stderr));
        foreach (var verb in ModerationCommands.ProjectVerbs(stdout, stderr)) project.Subcommands.Add(verb);
        return project;
    }

    private static Command YankCommand(string verb, bool yank, TextWriter stdout, TextWriter stderr)
    {
        var command = new Command(verb, yank
            ? "Yank a release (PEP 592): installers skip it unless it is pinned exactly."
            : "Undo a yank.");
        var projectArg = new Argument<string>("PROJECT");
        var versionArg = new Argument<string>("VERSION");
        command.Arguments.Add(projectArg);
        command.Arguments.Add(versionArg);
        var reason = new Option<string?>("--reason") { Description = "Why the release is yanked (shown to installers)." };
        if (yank) command.Options.Add(reason);
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var name = parse.GetValue(projectArg)!;
            var version = parse.GetValue(versionArg)!;
            var outcome = await sp.GetRequiredService<ReleaseManagement>().SetYankedAsync(name, version, yank, yank ? parse.GetValue(reason) : null, Actor.Cli($"project {verb}"), ct);
            if (!outcome.TryGetValue(out var change, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal);
            await stdout.WriteLineAsync(change == YankChange.AlreadyInState
                ? $"{name} {version} is already {(yank ? "yanked" : "not yanked")}."
                : $"{(yank ? "Yanked" : "Unyanked")} {name} {version}.");
            return CliOutcomes.Done;
        }));
        return command;
    }
}
