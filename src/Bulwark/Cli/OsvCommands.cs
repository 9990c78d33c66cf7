using System.CommandLine;
using Bulwark.Core.Audit;
using Bulwark.Core.Upstreams;

namespace Bulwark.Cli;

/// <summary><c>osv import FILE...</c>: blocks known-malicious versions (OSV <c>MAL-*</c> records) from being proxied.</summary>
internal static class OsvCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var osv = new Command("osv", "Known-malicious package feeds (OSV records of the OpenSSF malicious-packages dataset).");
        var import = new Command("import",
            "Import OSV records (one per file, or an array of records) and never proxy the PyPI versions they name from upstreams: " +
            "they are left off proxied pages and their files are 404. Only MAL-* records are taken; re-importing a record replaces its rules.");
        var files = new Argument<FileInfo[]>("FILE") { Arity = ArgumentArity.OneOrMore };
        import.Arguments.Add(files);
        import.SetAction((parse, ct) => CommandLine.WithServicesAsync(async sp =>
        {
            var importer = sp.GetRequiredService<OsvImport>();
            var status = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                Stream stream;
                try
                {
                    stream = file.OpenRead();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await stderr.WriteLineAsync($"error: cannot read {file}: {ex.Message}");
                    status = 2;
                    continue;
                }
                await using (stream)
                {
                    var outcome = await importer.ImportAsync(stream, file.Name, Actor.Cli("osv import"), ct);
                    if (!outcome.TryGetValue(out var result, out var refusal))
                    {
                        await stderr.WriteLineAsync($"error: {refusal.Message}");
                        status = 1;
                        continue;
                    }
                    await stdout.WriteLineAsync(
                        $"{file.Name}: {result.Records} malicious-package record(s), {result.Rules} rule(s) for {result.Projects.Count} project(s)" +
                        $"{(result.Projects.Count > 0 ? ": " + string.Join(", ", result.Projects.Take(20)) + (result.Projects.Count > 20 ? ", ..." : "") : "")}" +
                        $"{(result.Skipped > 0 ? $"; {result.Skipped} record(s) that are not MAL-* skipped" : "")}" +
                        $"{(result.Withdrawn > 0 ? $"; {result.Withdrawn} withdrawn record(s) removed" : "")}.");
                }
            }
            return status;
        }));
        osv.Subcommands.Add(import);
        return osv;
    }
}
