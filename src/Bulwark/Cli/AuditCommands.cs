using System.CommandLine;
using System.Diagnostics;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;

namespace Bulwark.Cli;

/// <summary><c>audit verify</c>: checks the audit log's hash chain (see <see cref="AuditChain"/>).</summary>
internal static class AuditCommands
{
    /// <summary>Exit status when the chain is broken (0: intact; 1: the command itself failed).</summary>
    public const int Broken = 3;

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var audit = new Command("audit", "Check the audit log.");
        var verify = new Command("verify",
            "Walk the audit log's hash chain in id order and check that no event was changed, deleted or reordered. " +
            $"Exit status 0 when the chain is intact (the newest event's hash is printed: keep it outside the database to notice later removals at the end), " +
            $"{Broken} when it is broken, naming the first event that fails. Reads the events one at a time: memory stays constant however long the log.");
        verify.SetAction(async (_, ct) => await CommandLine.WithServicesAsync(async sp =>
        {
            var watch = Stopwatch.StartNew();
            var report = await new AuditChainVerifier(sp.GetRequiredService<BulwarkDbContext>()).VerifyAsync(ct);
            var rate = report.Events / Math.Max(watch.Elapsed.TotalSeconds, 1e-3);
            if (!report.Intact)
            {
                await stderr.WriteLineAsync($"error: the audit chain is broken at event {report.BrokenAt}. {report.Problem}");
                await stderr.WriteLineAsync($"{report.Events:N0} events checked, up to and including it, in {watch.Elapsed.TotalSeconds:F1} s.");
                return Broken;
            }
            await stdout.WriteLineAsync(
                $"Audit chain intact: {report.Events:N0} events{(report.LastId is { } last ? $", newest id {last}" : "")}, head {report.Head}. " +
                $"{watch.Elapsed.TotalSeconds:F1} s ({rate:N0} events/s).");
            return 0;
        }));
        audit.Subcommands.Add(verify);
        return audit;
    }
}
