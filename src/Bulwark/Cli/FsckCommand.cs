using System.CommandLine;
using Bulwark.Core.Operations;
using Bulwark.Core.Uploads;

namespace Bulwark.Cli;

/// <summary><c>fsck [--repair]</c>: the consistency check of the blob store against the database (see <see cref="StoreCheck"/>).</summary>
internal static class FsckCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("fsck",
            "Check the blob store against the database: blobs without rows, rows without blobs, digests that do not match " +
            "the bytes, missing or wrong .metadata files, project serials and sizes that disagree with the journal and files, " +
            "and leftovers of interrupted uploads. One line per finding; exit status 1 when anything was found.");
        var repair = new Option<bool>("--repair")
        {
            Description = "Fix what can be fixed without losing data (orphans older than an hour deleted, serials and sizes " +
                          "recomputed, .metadata extracted again from the wheel) and say why the rest was left.",
        };
        command.Options.Add(repair);
        command.SetAction((parse, ct) => CommandLine.WithServicesAsync(async sp =>
        {
            var leftovers = ActivatorUtilities.CreateInstance<UploadLeftovers>(sp);
            var check = ActivatorUtilities.CreateInstance<StoreCheck>(sp, leftovers);
            var doRepair = parse.GetValue(repair);
            var findings = await check.RunAsync(doRepair, ct);
            foreach (var f in findings) await stdout.WriteLineAsync(Describe(f));
            var left = findings.Count(f => f.Repaired is null);
            await stderr.WriteLineAsync(findings.Count == 0
                ? "fsck: no problems found."
                : $"fsck: {findings.Count} problem(s) found, {findings.Count - left} repaired, {left} left.");
            return findings.Count == 0 ? 0 : 1;
        }));
        return command;
    }

    /// <summary>One line: the kind, what it concerns, the detail, and what a repair did or why it did not.</summary>
    public static string Describe(FsckFinding f)
    {
        var line = $"{f.Kind} {f.Subject}: {f.Detail}";
        if (f.Repaired is not null) line += $" -> repaired: {f.Repaired}";
        else if (f.NotRepaired is not null) line += $" -> not repaired: {f.NotRepaired}";
        return line;
    }
}
