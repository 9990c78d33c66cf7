using System.CommandLine;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Audit;

namespace Bulwark.Cli;

internal static class UserCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var user = new Command("user", "Manage accounts.");
        var add = new Command("add", "Create an account. Without --password-stdin it is an automation account: it cannot sign in on the web, and its tokens are minted by an operator with 'token create'.");
        var name = new Argument<string>("NAME") { Description = "The username." };
        var email = new Option<string>("--email") { Description = "The account's e-mail address (treated as verified).", Required = true };
        var admin = new Option<bool>("--admin") { Description = "Give the account access to the admin area." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input." };
        add.Arguments.Add(name);
        add.Options.Add(email);
        add.Options.Add(admin);
        add.Options.Add(passwordStdin);
        add.SetAction(async (parse, ct) =>
        {
            string? password = null;
            if (parse.GetValue(passwordStdin))
            {
                password = (await stdin.ReadLineAsync(ct))?.TrimEnd('\r');
                if (string.IsNullOrEmpty(password))
                {
                    await stderr.WriteLineAsync("error: --password-stdin was given but standard input held no password.");
                    return 1;
                }
            }
            return await CommandLine.WithServicesAsync(async sp =>
            {
                var users = sp.GetRequiredService<UserService>();
                var result = await users.CreateAsync(parse.GetValue(name)!, parse.GetValue(email)!, password, parse.GetValue(admin),
                    emailVerified: true, Actor.Cli("user add"), ct);
                if (!result.TryGetValue(out var created, out var refused)) return await CliOutcomes.RefuseAsync(stderr, refused);
                var kind = created.IsAutomation ? "automation account (no password)" : "account";
                await stdout.WriteLineAsync($"Created {kind} '{created.Username}'{(created.IsAdmin ? " with admin rights" : "")}.");
                return CliOutcomes.Done;
            });
        });
        user.Subcommands.Add(add);
        user.Subcommands.Add(BuildRestore(stdout, stderr));
        user.Subcommands.Add(AccountResponseCommands.Freeze(stdout, stderr));
        user.Subcommands.Add(AccountResponseCommands.Unfreeze(stdout, stderr));
        user.Subcommands.Add(AccountActivityCommand.Build(stdout, stderr));
        user.Subcommands.Add(AccountResponseCommands.Respond(stdout, stderr));
        user.Subcommands.Add(ModerationCommands.Role(stdout, stderr));
        return user;
    }

    private static Command BuildRestore(TextWriter stdout, TextWriter stderr)
    {
        var restore = new Command("restore", "Restore a frozen account: the old password stops working, every API token is revoked, every second factor and recovery code is removed, sessions end, and the owner is e-mailed a link to choose a new password with what the account did during the window.");
        var name = new Argument<string>("NAME") { Description = "The username." };
        var since = new Option<DateTimeOffset?>("--since") { Description = "The start of the compromise window listed in the owner's mail (ISO 8601; default: the last 30 days)." };
        restore.Arguments.Add(name);
        restore.Options.Add(since);
        restore.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var username = parse.GetValue(name)!;
            var user = await sp.GetRequiredService<UserService>().FindByUsernameAsync(username, ct);
            if (user is null)
            {
                await stderr.WriteLineAsync($"error: there is no account named '{username}'.");
                return 1;
            }
            var result = await sp.GetRequiredService<AccountRestoration>().RestoreAsync(user, Actor.Cli("user restore"), ct, parse.GetValue(since)?.ToUniversalTime());
            if (!result.TryGetValue(out var restored, out var refused)) return await CliOutcomes.RefuseAsync(stderr, refused);
            await stdout.WriteLineAsync(restored.Message);
            return CliOutcomes.Done;
        }));
        return restore;
    }
}
