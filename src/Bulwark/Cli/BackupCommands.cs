using System.CommandLine;
using System.Diagnostics;
using Bulwark.Operations;

namespace Bulwark.Cli;

/// <summary><c>backup DIR</c> and <c>restore DIR</c> (see <see cref="BackupWriter"/> and <see cref="BackupRestorer"/>).</summary>
internal static class BackupCommands
{
    public static Command Backup(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("backup",
            "Write a consistent snapshot of the running index into DIR (new or empty): the database (SQLite's online backup " +
            "into bulwark.db, or pg_dump's custom format into database.dump), the blobs its file rows reference (copied into " +
            "files/; on S3 listed with their sha256), the data directory's keys/ (they decrypt second-factor secrets: keep the " +
            "backup as private as the data directory) and manifest.json. Exit status 1 when a referenced blob was missing.");
        var dir = new Argument<DirectoryInfo>("DIR");
        command.Arguments.Add(dir);
        command.SetAction((parse, ct) => CommandLine.WithServicesAsync(async sp =>
        {
            var watch = Stopwatch.StartNew();
            var outcome = await ActivatorUtilities.CreateInstance<BackupWriter>(sp).RunAsync(parse.GetValue(dir)!.FullName, ct);
            if (!outcome.TryGetValue(out var report, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal);
            var m = report.Manifest;
            await stdout.WriteLineAsync(
                $"Backup written to {parse.GetValue(dir)!.FullName}: {m.Counts.Users} users, {m.Counts.Projects} projects, {m.Counts.Releases} releases, " +
                $"{m.Counts.Files} files, {m.Counts.AuditEvents} audit events; {m.Blobs.Count} blobs ({report.Bytes:N0} bytes) " +
                $"{(m.BlobsCopied ? "copied" : "listed")}, in {watch.Elapsed.TotalSeconds:F1} s.");
            foreach (var damaged in report.Damaged) await stderr.WriteLineAsync("warning: " + damaged);
            if (m.MissingBlobs.Count == 0) return CliOutcomes.Done;
            await stderr.WriteLineAsync($"error: {m.MissingBlobs.Count} blob(s) referenced by the snapshot were gone from the store " +
                                        "(deleted meanwhile, or lost: 'fsck' tells which): " + string.Join(", ", m.MissingBlobs));
            return CliOutcomes.Refused;
        }));
        return command;
    }

    public static Command Restore(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("restore",
            "Restore a backup written by 'backup' into an empty data directory and an empty database of the same kind " +
            "(pg_restore for PostgreSQL). Every blob is read back from the store (on S3: the bucket the backup listed) and checked " +
            "against the manifest's sha256 first; when any is missing or damaged, each is named, nothing is restored and the " +
            "exit status is 1.");
        var dir = new Argument<DirectoryInfo>("DIR");
        var allowMissing = new Option<bool>("--allow-missing")
        {
            Description = "Restore even when blobs are missing or damaged (each is named on standard error; 'fsck' names them afterwards). " +
                          "Never when not one of them is found, which means a store other than the backup's.",
        };
        command.Arguments.Add(dir);
        command.Options.Add(allowMissing);
        command.SetAction((parse, ct) => CommandLine.WithServicesAsync(async sp =>
        {
            var watch = Stopwatch.StartNew();
            var outcome = await ActivatorUtilities.CreateInstance<BackupRestorer>(sp).RunAsync(parse.GetValue(dir)!.FullName, parse.GetValue(allowMissing), ct);
            if (!outcome.TryGetValue(out var report, out var refusal)) return await CliOutcomes.RefuseAsync(stderr, refusal);
            var m = report.Manifest;
            await stdout.WriteLineAsync(
                $"Restored the backup of {m.CreatedUtc:u} ({m.Database}, Bulwark {m.BulwarkVersion}): {m.Counts.Users} users, {m.Counts.Projects} projects, " +
                $"{m.Counts.Files} files; {m.Blobs.Count} blobs checked against their sha256" +
                (report.Problems.Count == 0 ? "" : $" ({report.Problems.Count} missing or damaged, restored as allowed)") + $", in {watch.Elapsed.TotalSeconds:F1} s.");
            foreach (var problem in report.Problems) await stderr.WriteLineAsync("warning: restored without " + problem);
            return CliOutcomes.Done;
        }, database: false));
        return command;
    }
}
