using System.CommandLine;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Audit;
using Bulwark.Core.Moderation;
using Bulwark.Core.Outcomes;

namespace Bulwark.Cli;

/// <summary><c>user freeze</c>, <c>user unfreeze</c> and <c>user respond</c>: the responders' verbs on an account under attack.</summary>
internal static class AccountResponseCommands
{
    public static Command Freeze(TextWriter stdout, TextWriter stderr)
    {
        var freeze = new Command("freeze", "Freeze an account at once: every session ends, its API tokens are refused (uploads get 403 naming the freeze), sign-in is refused, and the owner is e-mailed the reason.");
        var name = new Argument<string>("NAME") { Description = "The username." };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the audit log and e-mailed to the owner).", Required = true };
        freeze.Arguments.Add(name);
        freeze.Options.Add(reason);
        freeze.SetAction(async (parse, ct) => await OnUserAsync(parse.GetValue(name)!, stdout, stderr,
            (sp, user) => sp.GetRequiredService<AccountFreeze>().FreezeAsync(user, parse.GetValue(reason)!, Actor.Cli("user freeze"), ct), ct));
        return freeze;
    }

    public static Command Unfreeze(TextWriter stdout, TextWriter stderr)
    {
        var unfreeze = new Command("unfreeze", "Lift a freeze that was a mistake: sign-in and the account's API tokens work again, nothing is reset. After a real compromise use 'user restore'.");
        var name = new Argument<string>("NAME") { Description = "The username." };
        unfreeze.Arguments.Add(name);
        unfreeze.SetAction(async (parse, ct) => await OnUserAsync(parse.GetValue(name)!, stdout, stderr,
            (sp, user) => sp.GetRequiredService<AccountFreeze>().UnfreezeAsync(user, Actor.Cli("user unfreeze"), ct), ct));
        return unfreeze;
    }

    public static Command Respond(TextWriter stdout, TextWriter stderr)
    {
        var respond = new Command("respond", "The one step of a compromise response: revoke every API token and end every session of the account, quarantine, yank or remove the chosen releases it touched since --since, and e-mail every collaborator of the projects touched.");
        var name = new Argument<string>("NAME") { Description = "The username." };
        var since = new Option<string>("--since") { Description = "The start of the compromise window, ISO 8601 (as given to 'user activity').", Required = true };
        var releases = new Option<string>("--releases") { Description = "Comma-separated PROJECT==VERSION of releases the activity review lists; none: only tokens and sessions." };
        var action = new Option<CompromiseAction>("--action") { Description = "quarantine, yank or remove.", DefaultValueFactory = _ => CompromiseAction.Quarantine };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the audit log and e-mailed to the collaborators).", Required = true };
        respond.Arguments.Add(name);
        respond.Options.Add(since);
        respond.Options.Add(releases);
        respond.Options.Add(action);
        respond.Options.Add(reason);
        respond.SetAction(async (parse, ct) =>
        {
            if (await AccountActivityCommand.ReadSinceAsync(parse, since, stderr) is not { } from) return 2;
            var chosen = new List<ReleaseRef>();
            foreach (var text in (parse.GetValue(releases) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (ReleaseRef.Parse(text) is not { } release)
                {
                    await stderr.WriteLineAsync($"error: --releases '{text}' is not PROJECT==VERSION.");
                    return 2;
                }
                chosen.Add(release);
            }
            var request = new CompromiseRequest(from, chosen, parse.GetValue(action), parse.GetValue(reason));
            return await OnUserAsync(parse.GetValue(name)!, stdout, stderr, async (sp, user) =>
                (await sp.GetRequiredService<CompromiseResponse>().RespondAsync(user, request, Actor.Cli("user respond"), ct))
                    .Then<string>(done => done.Describe(user.Username, request.Action)), ct);
        });
        return respond;
    }

    /// <summary>Finds the account (exit 1 naming it when there is none), runs <paramref name="act"/> and prints its message.</summary>
    internal static Task<int> OnUserAsync(string username, TextWriter stdout, TextWriter stderr,
        Func<IServiceProvider, User, Task<Outcome<string>>> act, CancellationToken ct) =>
        CommandLine.WithServicesAsync(async sp =>
        {
            var user = await sp.GetRequiredService<UserService>().FindByUsernameAsync(username, ct);
            if (user is null)
            {
                await stderr.WriteLineAsync($"error: there is no account named '{username}'.");
                return 1;
            }
            var result = await act(sp, user);
            if (!result.TryGetValue(out var message, out var refused)) return await CliOutcomes.RefuseAsync(stderr, refused);
            await stdout.WriteLineAsync(message);
            return CliOutcomes.Done;
        });
}
