using System.CommandLine;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Projects;
using Bulwark.Core.TrustedPublishing;

namespace Bulwark.Cli;

/// <summary>
/// <c>project publisher add|list|remove</c>: trusted publishers from the server's command line. The operator acts
/// with access to the server, so no two-factor mandate applies; every change is audited (actor "cli") and e-mailed
/// to the project's owners, as a change on the web is.
/// </summary>
internal static class PublisherCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var publisher = new Command("publisher", "Manage a project's trusted publishers (CI workflows that upload without a stored token).");
        publisher.Subcommands.Add(BuildAdd(stdout, stderr));
        publisher.Subcommands.Add(BuildList(stdout, stderr));
        publisher.Subcommands.Add(BuildRemove(stdout, stderr));
        return publisher;
    }

    private static Command BuildAdd(TextWriter stdout, TextWriter stderr)
    {
        var add = new Command("add",
            "Trust a CI workflow to publish PROJECT. If PROJECT does not exist, adds a pending publisher that creates it on first use, owned by --owner.\n" +
            "  --provider github --repository OWNER/REPO --workflow FILE [--environment ENV] [--owner-id ID]\n" +
            "  --provider gitlab --project-path GROUP/PROJECT --ci-config-ref-path PATH [--environment ENV] [--issuer URL]\n" +
            "  --provider oidc --issuer URL [--audience AUD] --claim NAME=VALUE...");
        var project = new Argument<string>("PROJECT") { Description = "The project name." };
        var provider = new Option<string>("--provider") { Description = "github, gitlab or oidc.", Required = true };
        var repository = new Option<string?>("--repository") { Description = "GitHub: the repository, OWNER/REPO." };
        var workflow = new Option<string?>("--workflow") { Description = "GitHub: the workflow file name under .github/workflows/, e.g. release.yml." };
        var projectPath = new Option<string?>("--project-path") { Description = "GitLab: the project path, GROUP/PROJECT." };
        var ciConfig = new Option<string?>("--ci-config-ref-path") { Description = "GitLab: the CI configuration file's path in the repository, e.g. .gitlab-ci.yml." };
        var environment = new Option<string?>("--environment") { Description = "GitHub/GitLab: only jobs in this environment may publish." };
        var ownerId = new Option<string?>("--owner-id") { Description = "GitHub: the owner's numeric id (otherwise pinned from the first run)." };
        var issuer = new Option<string?>("--issuer") { Description = "The issuer URL: required for oidc; for a self-managed GitLab or GitHub Enterprise Server allowed in Bulwark:TrustedPublishing:Issuers." };
        var audience = new Option<string?>("--audience") { Description = "oidc: the audience the tokens carry, if not this index's." };
        var claims = new Option<string[]>("--claim") { Description = "oidc: a claim every token must carry, NAME=VALUE (repeatable).", AllowMultipleArgumentsPerToken = false };
        var owner = new Option<string?>("--owner") { Description = "For a project that does not exist yet: the user who will own it." };
        add.Arguments.Add(project);
        foreach (var o in new Option[] { provider, repository, workflow, projectPath, ciConfig, environment, ownerId, issuer, audience, claims, owner }) add.Options.Add(o);
        add.SetAction(async (parse, ct) =>
        {
            if (ParseKind(parse.GetValue(provider)) is not { } kind)
            {
                await stderr.WriteLineAsync($"error: --provider must be github, gitlab or oidc, not '{parse.GetValue(provider)}'.");
                return 1;
            }
            var input = new PublisherSpec.Input(kind, parse.GetValue(issuer),
                kind == PublisherKind.GitLab ? parse.GetValue(projectPath) : parse.GetValue(repository),
                kind == PublisherKind.GitLab ? parse.GetValue(ciConfig) : parse.GetValue(workflow),
                parse.GetValue(environment), parse.GetValue(ownerId), parse.GetValue(audience), parse.GetValue(claims) ?? []);
            return await CommandLine.WithServicesAsync(async sp =>
            {
                var (spec, error) = PublisherSpec.Parse(input, sp.GetRequiredService<OidcIssuers>());
                if (spec is null) return await FailAsync(stderr, error!);
                var name = parse.GetValue(project)!;
                var management = sp.GetRequiredService<PublisherManagement>();
                var actor = Actor.Cli("project publisher add");
                var membership = await sp.GetRequiredService<ProjectAccess>().FindAsync(name, 0, ct);
                Outcome<string> result;
                if (membership is not null)
                {
                    result = await management.AddAsync(membership.Project, spec, null, actor, ct);
                }
                else
                {
                    var ownerName = parse.GetValue(owner);
                    if (string.IsNullOrWhiteSpace(ownerName)) return await FailAsync(stderr, $"there is no project '{name}'; to add a pending publisher that creates it, name its owner with --owner USER.");
                    var user = await sp.GetRequiredService<UserService>().FindByUsernameAsync(ownerName, ct);
                    if (user is null) return await FailAsync(stderr, $"there is no user '{ownerName}'.");
                    result = await management.AddPendingAsync(name, spec, user, actor, ct);
                }
                return await CliOutcomes.ReportAsync(stdout, stderr, result);
            });
        });
        return add;
    }

    private static Command BuildList(TextWriter stdout, TextWriter stderr)
    {
        var list = new Command("list", "List a project's trusted publishers (with the ids 'remove' takes), or the pending publishers for a name not taken yet.");
        var project = new Argument<string>("PROJECT") { Description = "The project name." };
        list.Arguments.Add(project);
        list.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var name = parse.GetValue(project)!;
            var management = sp.GetRequiredService<PublisherManagement>();
            var membership = await sp.GetRequiredService<ProjectAccess>().FindAsync(name, 0, ct);
            if (membership is not null)
            {
                var rows = await management.ForProjectAsync(membership.Project.Id, ct);
                if (rows.Count == 0) await stdout.WriteLineAsync($"{membership.Project.Name} has no trusted publishers.");
                foreach (var r in rows) await stdout.WriteLineAsync($"{r.PublisherId}\t{r.Description}\tadded {Web.Display.Date(r.AddedAt)} by {r.AddedBy ?? "an operator"}");
                return 0;
            }
            var pending = await management.PendingForNameAsync(name, ct);
            if (pending.Count == 0) await stdout.WriteLineAsync($"There is no project '{name}' and no pending publisher for it.");
            foreach (var p in pending) await stdout.WriteLineAsync($"{p.Id}\tpending: {p.Description}\towner-to-be {p.AddedBy}, added {Web.Display.Date(p.AddedAt)}");
            return 0;
        }));
        return list;
    }

    private static Command BuildRemove(TextWriter stdout, TextWriter stderr)
    {
        var remove = new Command("remove", "Stop trusting publisher ID for PROJECT (its live tokens stop working there at once), or remove pending publisher ID of a project not created yet. IDs come from 'list'.");
        var project = new Argument<string>("PROJECT") { Description = "The project name." };
        var id = new Argument<long>("ID") { Description = "The id shown by 'project publisher list'." };
        remove.Arguments.Add(project);
        remove.Arguments.Add(id);
        remove.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var name = parse.GetValue(project)!;
            var management = sp.GetRequiredService<PublisherManagement>();
            var actor = Actor.Cli("project publisher remove");
            var membership = await sp.GetRequiredService<ProjectAccess>().FindAsync(name, 0, ct);
            if (membership is not null) return await CliOutcomes.ReportAsync(stdout, stderr, await management.RemoveAsync(membership.Project, parse.GetValue(id), null, actor, ct));
            var pending = await management.PendingForNameAsync(name, ct);
            if (pending.All(p => p.Id != parse.GetValue(id))) return await FailAsync(stderr, $"there is no project '{name}' and no pending publisher #{parse.GetValue(id)} for it.");
            return await CliOutcomes.ReportAsync(stdout, stderr, await management.RemovePendingAsync(parse.GetValue(id), null, actor, ct));
        }));
        return remove;
    }

    private static PublisherKind? ParseKind(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "github" => PublisherKind.GitHub,
        "gitlab" => PublisherKind.GitLab,
        "oidc" => PublisherKind.Oidc,
        _ => null,
    };

    private static async Task<int> FailAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync("error: " + message);
        return 1;
    }
}
