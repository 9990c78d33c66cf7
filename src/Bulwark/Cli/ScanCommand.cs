using System.CommandLine;
using System.Text.Json;
using Bulwark.Core.Moderation.Scanning;
using Microsoft.Extensions.Options;

namespace Bulwark.Cli;

/// <summary><c>scan FILE...</c>: the malicious-upload scan over distribution files, one JSON object per file.</summary>
internal static class ScanCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("scan",
            "Scan distribution files (wheels, sdists, .py or .pth files) statically and print one JSON object per file: " +
            "{\"file\", \"verdict\": clean|suspicious|malicious, \"score\", \"findings\": [{\"rule\", \"path\", \"line\", \"evidence\"}]}. " +
            "Nothing in the files is executed. Exit status 0 when every file was scanned.");
        var files = new Argument<FileInfo[]>("FILE") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(files);
        command.SetAction((parse, ct) => CommandLine.WithServicesAsync(async sp =>
        {
            var options = sp.GetRequiredService<IOptions<ScanOptions>>().Value;
            var scanner = new DistributionScanner(options);
            var status = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                ScanReport report;
                try
                {
                    await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
                    report = scanner.Scan(stream, file.Name);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await stderr.WriteLineAsync($"error: cannot read {file}: {ex.Message}");
                    status = 2;
                    continue;
                }

                var line = new ScanLine(file.ToString(), report.VerdictText, report.Score,
                    report.Findings.Select(f => new FindingLine(f.Rule, f.Path, f.Line, f.Evidence, f.Score)).ToList());
                await stdout.WriteLineAsync(JsonSerializer.Serialize(line, CliJson.Options));
            }

            await stdout.FlushAsync(ct);
            return status;
        }, database: false));
        return command;
    }

    private sealed record ScanLine(string File, string Verdict, int Score, List<FindingLine> Findings);

    private sealed record FindingLine(string Rule, string Path, int Line, string Evidence, int Score);
}
