using System.CommandLine;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;

namespace Bulwark.Cli;

internal static class TokenCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var token = new Command("token", "Manage API tokens.");
        var create = new Command("create", "Mint an API token for a user and print it alone on standard output.");
        var name = new Argument<string>("NAME") { Description = "The username the token belongs to." };
        var projects = new Option<string[]>("--project") { Description = "Limit the token to this project (repeatable). Without it the token is user-wide.", AllowMultipleArgumentsPerToken = false };
        var expires = new Option<string?>("--expires") { Description = "Lifetime, e.g. 30d, 12h, 90m, 2w." };
        var description = new Option<string?>("--name") { Description = "A label for the token (default: 'cli')." };
        create.Arguments.Add(name);
        create.Options.Add(projects);
        create.Options.Add(expires);
        create.Options.Add(description);
        create.SetAction(async (parse, ct) =>
        {
            DateTimeOffset? expiresAt = null;
            var scopes = parse.GetValue(projects) ?? [];
            foreach (var p in scopes)
            {
                if (!ProjectName.IsValid(p))
                {
                    await stderr.WriteLineAsync($"error: '{p}' is not a valid project name.");
                    return 1;
                }
            }
            return await CommandLine.WithServicesAsync(async sp =>
            {
                if (parse.GetValue(expires) is { } text)
                {
                    if (!CommandLine.TryParseDuration(text, out var lifetime))
                    {
                        await stderr.WriteLineAsync($"error: --expires '{text}' is not a duration; use e.g. 30d, 12h or 90m.");
                        return 1;
                    }
                    expiresAt = sp.GetRequiredService<TimeProvider>().GetUtcNow() + lifetime;
                }
                var username = parse.GetValue(name)!;
                var user = await sp.GetRequiredService<UserService>().FindByUsernameAsync(username, ct);
                if (user is null)
                {
                    await stderr.WriteLineAsync($"error: there is no user '{username}'.");
                    return 1;
                }
                if (await sp.GetRequiredService<Core.TrustedPublishing.PublisherGrants>().IsPublisherAccountAsync(user.Id, ct))
                {
                    // A long-lived token for a publisher's account would undo the point of Trusted Publishing.
                    await stderr.WriteLineAsync($"error: '{username}' is a trusted publisher's account; its tokens are minted only by its CI through /_/oidc/mint-token.");
                    return 1;
                }
                // The same rule as the web's token page: the user's own projects, or names nobody has taken yet.
                var tokens = ActivatorUtilities.CreateInstance<TokenList>(sp);
                if (await tokens.ForeignProjectAsync(user.Id, scopes, ct) is { } foreign)
                {
                    await stderr.WriteLineAsync(
                        $"error: {user.Username} has no role on the project '{foreign}', so a token limited to it could never upload. " +
                        $"Add {user.Username} to the project first, or limit the token to {user.Username}'s own projects or to a name that does not exist yet.");
                    return 1;
                }
                // Minted by an operator with access to the server: no web page was involved that a phishing site
                // could have imitated, so the token counts as phishing-resistant issuance.
                var created = await sp.GetRequiredService<ApiTokenService>().CreateAsync(user, parse.GetValue(description) ?? "cli", scopes, expiresAt, Actor.Cli("token create"), ct, issuedPhishingResistant: true);
                await stdout.WriteLineAsync(created.Token);
                return 0;
            });
        });
        token.Subcommands.Add(create);
        token.Subcommands.Add(TokenRevokeCommand.Build(stdout, stderr));
        return token;
    }
}
