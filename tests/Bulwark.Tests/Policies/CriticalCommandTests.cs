using Bulwark.Cli;
using Bulwark.Core.Audit;
using Bulwark.Core.Policies;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Policies;

/// <summary>
/// The admin verbs, run in-process against the test server's database and data directory, with a host of their
/// own (as a separate process would). The verbs use the real clock, so the downloads are placed relative to
/// today (UTC). Each JSON API check after a verb follows a fetch that cached the page before it: the verb's
/// change must reach the server's cache through the change signal, since the server polls only every ten minutes.
/// </summary>
public abstract class CriticalCommandTests(DatabaseKind database)
{
    private sealed record Run(int Exit, string Out, string Err);

    private static async Task<Run> CliAsync(CriticalTestServer server, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, settings: server.CliSettings);
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Recompute_prints_what_changed_and_nothing_the_second_time()
    {
        await using var server = await CriticalTestServer.StartAsync(database);
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        await server.SeedAsync(new ReleaseSeed("cli-top", "1.0"));
        await server.AddDownloadsAsync("cli-top", (yesterday, 4321));
        await server.AddProjectsAsync("cli-bg-", 19, _ => yesterday, _ => 5);
        Assert.False(await server.JsonCriticalAsync("cli-top")); // cached before the verb runs

        var first = await CliAsync(server, "project", "critical", "recompute");
        Assert.Equal(0, first.Exit);
        Assert.Contains("Projects downloaded in the window: 20; top 10% = 2, cut-off 5 downloads, floor 1.", first.Out);
        // Places 2..20 are tied at 5 downloads, so all of them are in: 20 new members.
        Assert.Contains("Newly critical: 20", first.Out);
        Assert.Contains("  cli-top (rank 1, 4,321 downloads); rules enforced from ", first.Out);
        Assert.Contains("Maintainers notified for 20 project(s).", first.Out);
        Assert.True(await server.JsonCriticalAsync("cli-top"));

        var second = await CliAsync(server, "project", "critical", "recompute");
        Assert.Equal(0, second.Exit);
        Assert.Contains("No changes: no project became critical.", second.Out);
        Assert.Contains("critical before this run: 20", second.Out);
        Assert.DoesNotContain("Newly critical", second.Out);
    }

    [Fact]
    public async Task Add_list_and_remove_are_audited_and_shown_by_the_json_api()
    {
        await using var server = await CriticalTestServer.StartAsync(database);
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        await server.SeedAsync(new ReleaseSeed("cli-listed", "1.0"));
        await server.SeedAsync(new ReleaseSeed("cli-busy", "1.0"));
        Assert.False(await server.JsonCriticalAsync("cli-listed"));

        var add = await CliAsync(server, "project", "critical", "add", "CLI_Listed", "--reason", "everything depends on it");
        Assert.Equal(0, add.Exit);
        Assert.Contains("Listed cli-listed as always critical; it is critical now, rules enforced from", add.Out);
        Assert.True(await server.JsonCriticalAsync("cli-listed"));
        Assert.Contains("is already on the always-critical list", (await CliAsync(server, "project", "critical", "add", "cli-listed")).Out);

        var future = await CliAsync(server, "project", "critical", "add", "not-uploaded-yet");
        Assert.Equal(0, future.Exit);
        Assert.Contains("no project has this name yet", future.Out);

        // cli-busy becomes critical by downloads (10 % of 10 projects = 1).
        await server.AddDownloadsAsync("cli-busy", (yesterday, 1000));
        await server.AddProjectsAsync("cli-quiet-", 9, _ => yesterday, i => 1 + i);
        Assert.False(await server.JsonCriticalAsync("cli-busy"));
        Assert.Equal(0, (await CliAsync(server, "project", "critical", "recompute")).Exit);
        Assert.True(await server.JsonCriticalAsync("cli-busy"));

        var list = await CliAsync(server, "project", "critical", "list");
        Assert.Equal(0, list.Exit);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["cli-busy", "cli-listed", "not-uploaded-yet"], lines.Select(l => l.Split('\t')[0]));
        Assert.Matches(@"^cli-busy\tcritical since \d{4}-\d\d-\d\d \d\d:\d\d UTC, enforced from .*UTC$", lines[0]);
        Assert.EndsWith("\talways critical", lines[1]);
        Assert.Equal("not-uploaded-yet\tlisted, no such project yet\talways critical", lines[2]);

        // Removal: the mark goes, the JSON API says so at once, and a recompute on the same downloads does not bring it back.
        var remove = await CliAsync(server, "project", "critical", "remove", "cli-busy", "--reason", "inflated by a CI loop");
        Assert.Equal(0, remove.Exit);
        Assert.False(await server.JsonCriticalAsync("cli-busy"));
        Assert.Equal(0, (await CliAsync(server, "project", "critical", "recompute")).Exit);
        Assert.False(await server.JsonCriticalAsync("cli-busy"));
        Assert.Contains("cli-busy\tremoved by an admin on", (await CliAsync(server, "project", "critical", "list")).Out);

        Assert.Equal(0, (await CliAsync(server, "project", "critical", "remove", "cli-listed")).Exit);
        Assert.False(await server.JsonCriticalAsync("cli-listed"));
        Assert.Equal(0, (await CliAsync(server, "project", "critical", "remove", "not-uploaded-yet")).Exit);

        var audits = await server.WithDbAsync(db => db.AuditEvents.Where(a => a.Type >= AuditEventType.CriticalListAdded)
            .OrderBy(a => a.Id).Select(a => new { a.Type, a.Details, a.IpAddress, a.UserAgent }).ToListAsync());
        Assert.Equal([AuditEventType.CriticalListAdded, AuditEventType.CriticalListAdded, AuditEventType.CriticalRemoved, AuditEventType.CriticalRemoved, AuditEventType.CriticalRemoved],
            audits.Select(a => a.Type));
        Assert.Contains("everything depends on it", audits[0].Details);
        Assert.Contains("inflated by a CI loop", audits[2].Details);
        Assert.All(audits, a => Assert.Equal("cli", a.IpAddress));
        Assert.Equal("bulwark project critical remove", audits[2].UserAgent);
        var unmarks = await server.WithDbAsync(db => db.Journal.Where(j => j.Action == CriticalMarks.UnmarkAction).Select(j => j.ProjectName).ToListAsync());
        Assert.Equal(["cli-busy", "cli-listed"], unmarks.Order());
    }

    [Fact]
    public async Task Bad_names_and_unknown_projects_are_errors()
    {
        await using var server = await CriticalTestServer.StartAsync(database);
        var bad = await CliAsync(server, "project", "critical", "add", "not a name!");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("is not a valid project name", bad.Err);
        var missing = await CliAsync(server, "project", "critical", "remove", "never-critical");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("never-critical is neither critical nor on the always-critical list", missing.Err);
        Assert.Contains("No critical projects and nothing listed.", (await CliAsync(server, "project", "critical", "list")).Out);
    }
}

public sealed class CriticalCommandTestsSqlite() : CriticalCommandTests(DatabaseKind.Sqlite);

public sealed class CriticalCommandTestsPostgres() : CriticalCommandTests(DatabaseKind.Postgres);
