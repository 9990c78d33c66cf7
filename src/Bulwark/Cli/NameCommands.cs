using System.CommandLine;
using System.Text.Json;
using Bulwark.Core.Data;
using Bulwark.Core.Moderation.Typosquats;
using Microsoft.Extensions.Options;

namespace Bulwark.Cli;

/// <summary>
/// <c>names check</c>: the typosquat check over names read from standard input; with the admins' lists and the sweep
/// (<see cref="NameListCommands"/>) under the same verb.
/// </summary>
internal static class NameCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var names = new Command("names", "Project-name checks against the protected names (typosquats).");
        names.Subcommands.Add(Check(stdout, stderr, stdin));
        foreach (var verb in NameListCommands.Build(stdout, stderr)) names.Subcommands.Add(verb);
        return names;
    }

    private static Command Check(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var command = new Command("check",
            "Read candidate names on standard input, one per line, and print one JSON object per line: " +
            "{\"name\", \"verdict\": ok|hold|block, \"similar_to\", \"rule\"}.");
        var file = new Option<FileInfo?>("--protected")
        {
            Description = "Protected names: one per line, or the JSON shape of the top-PyPI-packages data set. " +
                "Default: the server's own protected set (critical projects, admin additions, top downloads, " +
                "Bulwark:Names:ProtectedListFile) and its allowed pairs, read from the database.",
        };
        var top = new Option<int?>("--top") { Description = "Protect only the first N names of the --protected file." };
        var others = new Option<bool>("--against-others")
        {
            Description = "Judge each protected name against the names ranked above it, as if it had been registered after them " +
                "(how false positives are measured on real names); other names are judged as usual.",
        };
        command.Options.Add(file);
        command.Options.Add(top);
        command.Options.Add(others);
        command.SetAction((parse, ct) => CommandLine.WithServicesAsync(async sp =>
        {
            var options = sp.GetRequiredService<IOptions<TyposquatOptions>>().Value;
            TyposquatCheck check;
            try
            {
                check = parse.GetValue(file) is { } given
                    ? new TyposquatCheck(new ProtectedNames(ProtectedNameList.Read(given.FullName, parse.GetValue(top) ?? options.ProtectedListLimit)), options)
                    : await sp.GetRequiredService<ServerProtectedNames>().BuildAsync(sp.GetRequiredService<BulwarkDbContext>(), ct);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
            {
                await stderr.WriteLineAsync($"error: cannot read the protected names: {ex.Message}");
                return 2;
            }

            var againstOthers = parse.GetValue(others);
            while (await stdin.ReadLineAsync(ct) is { } line)
            {
                var name = line.Trim();
                if (name.Length == 0)
                {
                    continue;
                }

                var verdict = againstOthers ? check.CheckAgainstOthers(name) : check.Check(name);
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new CheckLine(name, verdict.VerdictText, verdict.SimilarTo, verdict.Rule), CliJson.Options));
            }

            await stdout.FlushAsync(ct);
            return 0;
        }, database: parse.GetValue(file) is null));
        return command;
    }

    private sealed record CheckLine(string Name, string Verdict, string? SimilarTo, string? Rule);
}

/// <summary>JSON for the command-line verbs' line-per-object output: snake_case names, nulls written out.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
