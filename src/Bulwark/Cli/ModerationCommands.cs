using System.CommandLine;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.Moderation;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Projects;
using Bulwark.Core.Upstreams;

namespace Bulwark.Cli;

/// <summary>
/// Incident response on the command line, with the same rules as the admin pages: <c>project quarantine</c>,
/// <c>unquarantine</c>, <c>archive</c>, <c>unarchive</c>, <c>deprecate</c>, <c>remove</c>; <c>report list</c>;
/// <c>name prohibit</c>. Each is audited with the verb as the actor.
/// </summary>
internal static class ModerationCommands
{
    public static IEnumerable<Command> ProjectVerbs(TextWriter stdout, TextWriter stderr)
    {
        yield return Quarantine(stdout, stderr);
        yield return Unquarantine(stdout, stderr);
        yield return Status("archive", ProjectLifecycle.Archived, "Archive a project (PEP 792 'archived'): still installable, uploads refused.", stdout, stderr);
        yield return Status("unarchive", ProjectLifecycle.Active, "Make an archived or deprecated project active again.", stdout, stderr);
        yield return Status("deprecate", ProjectLifecycle.Deprecated, "Deprecate a project (PEP 792 'deprecated'), with an optional reason shown to installers.", stdout, stderr);
        yield return Remove(stdout, stderr);
    }

    private static (Argument<string> Name, Option<string[]> Versions) Target(Command command, string versionHelp)
    {
        var name = new Argument<string>("NAME") { Description = "The project." };
        var versions = new Option<string[]>("--version") { Description = versionHelp, AllowMultipleArgumentsPerToken = false };
        command.Arguments.Add(name);
        command.Options.Add(versions);
        return (name, versions);
    }

    private static Option<string> Reason(Command command, string help)
    {
        var reason = new Option<string>("--reason") { Description = help, Required = true };
        command.Options.Add(reason);
        return reason;
    }

    private static Command Quarantine(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("quarantine",
            "Quarantine a project, or only the releases named with --version: left out of the index, files 404 (except to maintainers and admins), uploads refused. The maintainers are e-mailed.");
        var (name, versions) = Target(command, "A release to quarantine (repeat for several); without it the whole project.");
        var reason = Reason(command, "Why (told to the maintainers, kept in the audit log).");
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<ProjectQuarantine>().QuarantineAsync(parse.GetValue(name)!, parse.GetValue(versions) ?? [],
                parse.GetValue(reason), Actor.Cli("project quarantine"), ct: ct);
            if (outcome.Refusal is { Kind: RefusalKind.NotFound })
            {
                // Not a local project: a name this index proxies from an upstream is quarantined as withheld versions.
                var proxied = await sp.GetRequiredService<ProxiedQuarantine>().QuarantineAsync(parse.GetValue(name)!, parse.GetValue(versions) ?? [],
                    parse.GetValue(reason), Actor.Cli("project quarantine"), ct);
                return await ProxiedAsync(proxied, outcome.Refusal, stdout, stderr);
            }
            if (!outcome.TryGetValue(out var target, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal, CliOutcomes.BadInput);
            await stdout.WriteLineAsync(target.WholeProject ? $"Quarantined {target.Project.Name}." : $"Quarantined {target.Project.Name} {string.Join(", ", target.Versions)}.");
            return 0;
        }));
        return command;
    }

    private static Command Unquarantine(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("unquarantine", "Lift the quarantine of a project, or of the releases named with --version.");
        var (name, versions) = Target(command, "A release to release from quarantine (repeat for several); without it the whole project.");
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<ProjectQuarantine>().UnquarantineAsync(parse.GetValue(name)!, parse.GetValue(versions) ?? [],
                Actor.Cli("project unquarantine"), ct);
            if (outcome.Refusal is { Kind: RefusalKind.NotFound })
            {
                var proxied = await sp.GetRequiredService<ProxiedQuarantine>().UnquarantineAsync(parse.GetValue(name)!, parse.GetValue(versions) ?? [],
                    Actor.Cli("project unquarantine"), ct);
                return await ProxiedAsync(proxied, outcome.Refusal, stdout, stderr);
            }
            if (!outcome.TryGetValue(out var target, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal, CliOutcomes.BadInput);
            await stdout.WriteLineAsync(target.WholeProject ? $"Lifted the quarantine of {target.Project.Name}." : $"Lifted the quarantine of {target.Project.Name} {string.Join(", ", target.Versions)}.");
            return 0;
        }));
        return command;
    }

    // The local refusal is the one to show when the name is not proxied either (it names the local problem).
    private static async Task<int> ProxiedAsync(Outcome<string> proxied, Refusal local, TextWriter stdout, TextWriter stderr)
    {
        if (!proxied.TryGetValue(out var done, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal.Kind == RefusalKind.NotFound ? local : refusal, CliOutcomes.BadInput);
        await stdout.WriteLineAsync(done);
        return 0;
    }

    private static Command Status(string verb, ProjectLifecycle status, string description, TextWriter stdout, TextWriter stderr)
    {
        var command = new Command(verb, description);
        var name = new Argument<string>("NAME") { Description = "The project." };
        command.Arguments.Add(name);
        var reason = new Option<string?>("--reason") { Description = "Why it is deprecated (shown to installers)." };
        if (status == ProjectLifecycle.Deprecated) command.Options.Add(reason);
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<ModerationTargets>().FindAsync(parse.GetValue(name)!, [], ct);
            if (!outcome.TryGetValue(out var target, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal, CliOutcomes.BadInput);
            var changed = await sp.GetRequiredService<ProjectStatusChange>().SetAsync(target.Project, status,
                status == ProjectLifecycle.Deprecated ? parse.GetValue(reason) : null, Actor.Cli("project " + verb), ct);
            if (!changed.Succeeded) return await CliOutcomes.RefuseAsync(stderr, changed.Refusal, CliOutcomes.BadInput);
            await stdout.WriteLineAsync($"{target.Project.Name} is now {ProjectStatusChange.Marker(status)}.");
            return 0;
        }));
        return command;
    }

    private static Command Remove(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("remove",
            "Remove malware: the releases named with --version, or the whole project (its name is then prohibited). Filenames stay reserved.");
        var (name, versions) = Target(command, "A release to remove (repeat for several); without it the whole project.");
        var reason = Reason(command, "Why (kept in the audit log and, for a project, as the prohibited name's comment).");
        var freeze = new Option<bool>("--freeze-uploader") { Description = "Also freeze the accounts that uploaded what is removed." };
        command.Options.Add(freeze);
        command.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<MalwareRemoval>().RemoveAsync(parse.GetValue(name)!, parse.GetValue(versions) ?? [],
                parse.GetValue(reason), parse.GetValue(freeze), Actor.Cli("project remove"), ct);
            if (!outcome.TryGetValue(out var removed, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal, CliOutcomes.BadInput);
            await stdout.WriteLineAsync(removed.Versions.Count == 0
                ? $"Removed {removed.Project} ({removed.Files} files); the name is prohibited."
                : $"Removed {removed.Project} {string.Join(", ", removed.Versions)} ({removed.Files} files).");
            if (removed.FrozenAccounts.Count > 0) await stdout.WriteLineAsync($"Frozen: {string.Join(", ", removed.FrozenAccounts)}.");
            return 0;
        }));
        return command;
    }

    /// <summary><c>report list [--open] [--json]</c>.</summary>
    public static Command Reports(TextWriter stdout)
    {
        var report = new Command("report", "Reports about projects.");
        var list = new Command("list", "List reports, newest first: one line each, or one JSON object per line with --json.");
        var open = new Option<bool>("--open") { Description = "Only reports that have no verdict yet." };
        var json = new Option<bool>("--json") { Description = "One JSON object per line: id, time, project, version, kind, reporter, observer, summary, evidence_url, verdict." };
        list.Options.Add(open);
        list.Options.Add(json);
        list.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var reports = await sp.GetRequiredService<ReviewQueue>().ReportsAsync(parse.GetValue(open), ct);
            foreach (var r in reports)
            {
                var verdict = r.Verdict is { } v ? ReportVerdicts.Describe(v) : null;
                await stdout.WriteLineAsync(parse.GetValue(json)
                    ? JsonSerializer.Serialize(new ReportLine(r.Id, r.CreatedAt.UtcDateTime.ToString("O"), r.ProjectName, r.Version, r.Kind.ToString(), r.Reporter,
                        r.FromObserver, r.Summary, r.EvidenceUrl, verdict), CliJson.Options)
                    : $"{r.Id}\t{r.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z\t{r.ProjectName}{(r.Version is null ? "" : " " + r.Version)}\t{r.Kind}\t{r.Reporter ?? "-"}{(r.FromObserver ? " (observer)" : "")}\t{verdict ?? "open"}\t{r.Summary.ReplaceLineEndings(" ")}");
            }
            return 0;
        }));
        report.Subcommands.Add(list);
        return report;
    }

    private sealed record ReportLine(long Id, string Time, string Project, string? Version, string Kind, string? Reporter, bool Observer,
        string Summary, string? EvidenceUrl, string? Verdict);

    /// <summary><c>name prohibit NAME --comment TEXT</c>.</summary>
    public static Command Names(TextWriter stdout, TextWriter stderr)
    {
        var name = new Command("name", "Prohibited project names.");
        var prohibit = new Command("prohibit", "Prohibit a project name (every spelling of it): no new project may take it.");
        var nameArg = new Argument<string>("NAME") { Description = "The name." };
        var comment = new Option<string>("--comment") { Description = "Why it is prohibited.", Required = true };
        prohibit.Arguments.Add(nameArg);
        prohibit.Options.Add(comment);
        prohibit.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<ProhibitedNames>().ProhibitAsync(parse.GetValue(nameArg), parse.GetValue(comment), Actor.Cli("name prohibit"), ct);
            if (!outcome.TryGetValue(out var added, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal, CliOutcomes.BadInput);
            await stdout.WriteLineAsync($"'{added.NormalizedName}' is prohibited.");
            return 0;
        }));
        name.Subcommands.Add(prohibit);
        return name;
    }

    /// <summary><c>user role NAME observer [--remove]</c>.</summary>
    public static Command Role(TextWriter stdout, TextWriter stderr)
    {
        var role = new Command("role", "Grant a role to an account (or take it away with --remove). Roles: observer (a trusted reporter of malware).");
        var user = new Argument<string>("NAME") { Description = "The username." };
        var which = new Argument<string>("ROLE") { Description = "observer" };
        which.AcceptOnlyFromAmong("observer");
        var remove = new Option<bool>("--remove") { Description = "Take the role away." };
        role.Arguments.Add(user);
        role.Arguments.Add(which);
        role.Options.Add(remove);
        role.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var grant = !parse.GetValue(remove);
            var outcome = await sp.GetRequiredService<ObserverRole>().SetAsync(parse.GetValue(user)!, grant, Actor.Cli("user role"), ct);
            if (!outcome.TryGetValue(out var changed, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal, CliOutcomes.BadInput);
            var username = parse.GetValue(user);
            await stdout.WriteLineAsync(changed
                ? (grant ? $"'{username}' is now an observer." : $"'{username}' is no longer an observer.")
                : (grant ? $"'{username}' is already an observer." : $"'{username}' is not an observer."));
            return 0;
        }));
        return role;
    }
}
