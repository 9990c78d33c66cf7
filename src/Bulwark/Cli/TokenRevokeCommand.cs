using System.CommandLine;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.TokenLeaks;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Cli;

/// <summary>
/// <c>token revoke TOKEN-OR-ID [--leaked-at URL]</c>: an operator kills a token at once, named by its id (as the
/// token pages and the audit log show it) or by the token itself (as found in a leak). With <c>--leaked-at</c> it is
/// handled as a leak: recorded with the URL and its owner e-mailed, as a scanner's report would.
/// </summary>
internal static class TokenRevokeCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var revoke = new Command("revoke", "Revoke an API token at once, named by its id or by the token itself. With --leaked-at it is recorded as leaked and its owner is e-mailed.");
        var target = new Argument<string>("TOKEN-OR-ID") { Description = "The token's id (32 hex digits, from the token pages or the audit log) or the whole bulwark_ token." };
        var leakedAt = new Option<string?>("--leaked-at") { Description = "The public URL where the token was found." };
        revoke.Arguments.Add(target);
        revoke.Options.Add(leakedAt);
        revoke.SetAction(async (parse, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var text = parse.GetValue(target)!.Trim();
            var leaks = sp.GetRequiredService<LeakedTokens>();
            var token = text.StartsWith(ApiTokenFormat.Prefix, StringComparison.Ordinal)
                ? await leaks.FindAsync(text, ct)
                : Guid.TryParse(text, out var id) ? await sp.GetRequiredService<BulwarkDbContext>().ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id, ct) : null;
            if (token is null)
            {
                await stderr.WriteLineAsync("error: no such token (give its 32-digit id or the whole token).");
                return 1;
            }
            var url = parse.GetValue(leakedAt);
            var actor = Actor.Cli("token revoke");
            var revoked = string.IsNullOrWhiteSpace(url)
                ? await sp.GetRequiredService<ApiTokenService>().RevokeAsync(token, actor, ct)
                : await leaks.ReportByOperatorAsync(token, url, actor, ct);
            await stdout.WriteLineAsync(revoked
                ? $"Revoked token '{token.Name}' ({token.Id:N}) of '{token.User.Username}'{(string.IsNullOrWhiteSpace(url) ? "." : "; recorded as leaked and the owner e-mailed.")}"
                : $"Token '{token.Name}' ({token.Id:N}) was already revoked.");
            return 0;
        }));
        return revoke;
    }
}
