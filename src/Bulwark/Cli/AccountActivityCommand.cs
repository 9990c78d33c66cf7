using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Core.Accounts;
using Bulwark.Core.Moderation;

namespace Bulwark.Cli;

/// <summary><c>user activity NAME --since T [--json]</c>: the compromise-window review (see <see cref="AccountActivity"/>).</summary>
internal static class AccountActivityCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var activity = new Command("activity", "List everything an account did since a moment, oldest first: sign-ins (IP, browser, factor, new device), factor, recovery-code, e-mail and password changes, tokens, every upload with the token that made it, role changes, yanks and removals.");
        var name = new Argument<string>("NAME") { Description = "The username." };
        var since = new Option<string>("--since") { Description = "The start of the window, ISO 8601 (for example 2022-05-24T00:00:00Z); a time without an offset is UTC.", Required = true };
        var json = new Option<bool>("--json") { Description = "One JSON object per line: time, type, ip, user_agent, token_id, and for uploads project, version, filename." };
        activity.Arguments.Add(name);
        activity.Options.Add(since);
        activity.Options.Add(json);
        activity.SetAction(async (parse, ct) =>
        {
            if (await ReadSinceAsync(parse, since, stderr) is not { } from) return 2;
            var username = parse.GetValue(name)!;
            return await CommandLine.WithServicesAsync(async sp =>
            {
                var user = await sp.GetRequiredService<UserService>().FindByUsernameAsync(username, ct);
                if (user is null)
                {
                    await stderr.WriteLineAsync($"error: there is no account named '{username}'.");
                    return 1;
                }
                var events = await sp.GetRequiredService<AccountActivity>().SinceAsync(user, from, ct);
                foreach (var e in events)
                {
                    await stdout.WriteLineAsync(parse.GetValue(json) ? JsonLine(e) : TextLine(e));
                }
                if (!parse.GetValue(json)) await stderr.WriteLineAsync($"{events.Count} event(s) for '{user.Username}' since {from:yyyy-MM-dd HH:mm:ss} UTC.");
                return CliOutcomes.Done;
            });
        });
        return activity;
    }

    /// <summary>The start of a compromise window from <c>--since</c>, or null after saying on stderr why it is not one.</summary>
    internal static async Task<DateTimeOffset?> ReadSinceAsync(ParseResult parse, Option<string> since, TextWriter stderr)
    {
        var text = parse.GetValue(since);
        if (AccountActivity.TryParseSince(text, out var from)) return from;
        await stderr.WriteLineAsync($"error: --since '{text}' is not an ISO 8601 time (for example 2022-05-24T00:00:00Z).");
        return null;
    }

    internal static string JsonLine(ActivityEvent e)
    {
        var line = new JsonObject
        {
            ["time"] = e.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["type"] = e.Type,
            ["ip"] = e.Ip,
            ["user_agent"] = e.UserAgent,
            ["token_id"] = e.TokenId?.ToString(),
        };
        if (e.Project is not null) line["project"] = e.Project;
        if (e.Version is not null) line["version"] = e.Version;
        if (e.Filename is not null) line["filename"] = e.Filename;
        if (e.Factor is not null) line["factor"] = e.Factor;
        if (e.NewDevice is not null) line["new_device"] = e.NewDevice;
        if (e.Details is not null) line["details"] = JsonNode.Parse(e.Details);
        return line.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static string TextLine(ActivityEvent e)
    {
        var parts = new List<string> { e.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.Type, e.Ip ?? "-" };
        if (e.Project is not null) parts.Add($"{e.Project} {e.Version}".Trim());
        if (e.Filename is not null) parts.Add(e.Filename);
        if (e.TokenId is not null) parts.Add($"token {e.TokenId}");
        if (e.Factor is not null) parts.Add($"factor {e.Factor}");
        if (e.NewDevice == true) parts.Add("new device");
        return string.Join("  ", parts);
    }
}
