using System.Net;
using System.Text.Json;
using Bulwark.Cli;
using Bulwark.Core.Audit;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Moderation;

/// <summary>
/// The admins' protected names and allowed pairs (<c>names protect</c>, <c>names allow</c>, <c>names list</c>, the
/// admin Names page), their effect at creation on a running server, <c>names check</c> over the server's own set, and
/// <c>names sweep</c>.
/// </summary>
public abstract class NameListTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    /// <summary>A fresh letters-only name (digits would change which rules apply) that no project has.</summary>
    private static string LettersName(string stem) => stem + new string([.. Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + c % 26))]);

    /// <summary>The name with its second and third letters swapped: a transposition, blocked by default.</summary>
    private static string Transposed(string name) => string.Concat(name[0].ToString(), name[2].ToString(), name[1].ToString(), name[3..]);

    private async Task<HttpStatusCode> CreateAsync(string name)
    {
        var token = await Server.CreateTokenAsync("nl" + Guid.NewGuid().ToString("N")[..8]);
        return (await TryUploadAsync(token, new TestDistributions.Spec(name, "1.0"))).StatusCode;
    }

    [Fact]
    public async Task A_protected_name_blocks_its_near_copy_on_the_running_server_and_an_allowed_pair_goes_through()
    {
        // The server builds and caches its protected set at this first creation...
        Assert.Equal(HttpStatusCode.OK, await CreateAsync(LettersName("warm")));
        var guarded = LettersName("guard");
        var squat = Transposed(guarded);

        // ...and the verb, another process as far as the server knows, must make it rebuild.
        var protect = await CliAsync("names", "protect", guarded.ToUpperInvariant());
        Assert.True(protect.Exit == 0, protect.Err);
        Assert.Contains($"'{guarded}' is protected.", protect.Out);

        var token = await Server.CreateTokenAsync("sq" + Guid.NewGuid().ToString("N")[..8]);
        var refused = await TryUploadAsync(token, new TestDistributions.Spec(squat, "1.0"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"too similar to the protected project '{guarded}' (rule: transposition)", refused.ReasonPhrase);

        var allow = await CliAsync("names", "allow", squat, guarded);
        Assert.True(allow.Exit == 0, allow.Err);
        Assert.Contains($"Allowed: '{squat}' next to '{guarded}'.", allow.Out);
        Assert.Equal(HttpStatusCode.OK, await CreateAsync(squat));
        Assert.Equal(ProjectLifecycle.Active, await Server.WithDbAsync(db => db.Projects.Where(p => p.NormalizedName == squat).Select(p => p.Lifecycle).SingleAsync()));
        // The pair is one exception: another near copy of the same name is still refused.
        Assert.Equal(HttpStatusCode.BadRequest, await CreateAsync(guarded[..^1]));

        var list = await CliAsync("names", "list");
        Assert.Contains($"  {guarded}  (since ", list.Out);
        Assert.Contains($"  {squat} next to {guarded}  (since ", list.Out);
        Assert.Contains("already protected", (await CliAsync("names", "protect", guarded)).Out);

        var events = await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Type == AuditEventType.ProtectedNameChanged || e.Type == AuditEventType.AllowedNamePairChanged).ToListAsync());
        Assert.Contains(events, e => e.Type == AuditEventType.ProtectedNameChanged && e.Details!.Contains($"\"{guarded}\"") && e.UserAgent == "bulwark names protect");
        Assert.Contains(events, e => e.Type == AuditEventType.AllowedNamePairChanged && e.Details!.Contains($"\"{squat}\"") && e.Details.Contains($"\"{guarded}\""));

        // Taken out again, the name protects nothing: its other near copy can be created.
        var removed = await CliAsync("names", "protect", guarded, "--remove");
        Assert.Contains("no longer among the protected additions", removed.Out);
        Assert.Equal(HttpStatusCode.OK, await CreateAsync(guarded[..^1]));
    }

    [Fact]
    public async Task The_verbs_refuse_an_invalid_name()
    {
        var bad = await CliAsync("names", "protect", "-bad name-");
        Assert.Equal(CliOutcomes.BadInput, bad.Exit);
        Assert.Contains("is not a valid project name", bad.Err);
        var same = await CliAsync("names", "allow", "Foo.Bar", "foo-bar");
        Assert.Equal(CliOutcomes.BadInput, same.Exit);
        Assert.Contains("the same project name", same.Err);
    }

    [Fact]
    public async Task The_admin_names_page_adds_and_removes_protected_names_and_allowed_pairs()
    {
        var guarded = LettersName("page");
        var squat = Transposed(guarded);
        var (_, admin) = await AdminAsync();
        var page = await admin.GetAsync("/admin/names");

        var bad = await admin.SubmitAsync(page, "#protect-form", [Field("ProtectName", "-bad name-")], follow: false);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("is not a valid project name", bad.Get("#form-errors").TextContent);

        var added = await admin.SubmitAsync(page, "#protect-form", [Field("ProtectName", guarded)]);
        Assert.Contains($"'{guarded}' is protected", added.Text);
        Assert.NotNull(added.Find($"#protected-names tr[data-name='{guarded}']"));
        Assert.Equal(HttpStatusCode.BadRequest, await CreateAsync(squat));

        var allowed = await admin.SubmitAsync(added, "#allow-form", [Field("AllowName", squat), Field("AllowSimilar", guarded)]);
        Assert.NotNull(allowed.Find($"#allowed-pairs tr[data-name='{squat}'][data-similar='{guarded}']"));
        Assert.Equal(HttpStatusCode.OK, await CreateAsync(squat));

        var unallowed = await admin.SubmitAsync(allowed, $"#allowed-pairs tr[data-name='{squat}'] form");
        Assert.Null(unallowed.Find($"#allowed-pairs tr[data-name='{squat}']"));
        var unprotected = await admin.SubmitAsync(unallowed, $"#protected-names tr[data-name='{guarded}'] form");
        Assert.Null(unprotected.Find($"#protected-names tr[data-name='{guarded}']"));
        Assert.Equal(2, await Server.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == AuditEventType.ProtectedNameChanged && e.Details!.Contains(guarded))));
    }

    [Fact]
    public async Task Names_check_without_a_file_uses_the_servers_own_set()
    {
        var guarded = LettersName("check");
        Assert.Equal(0, (await CliAsync("names", "protect", guarded)).Exit);
        var allowedSquat = Transposed(guarded);
        Assert.Equal(0, (await CliAsync("names", "allow", allowedSquat, guarded)).Exit);

        var run = await CliWithInputAsync($"{guarded[..^1]}\n{allowedSquat}\n{LettersName("other")}\n", "names", "check");

        Assert.True(run.Exit == 0, run.Err);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(("block", guarded), (lines[0].GetProperty("verdict").GetString(), lines[0].GetProperty("similar_to").GetString()));
        Assert.Equal("ok", lines[1].GetProperty("verdict").GetString());
        Assert.Equal("ok", lines[2].GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Names_sweep_reports_each_existing_lookalike_once()
    {
        var guarded = LettersName("sweep");
        var squat = Transposed(guarded);
        var allowedSquat = guarded + "s"; // plural: held, not blocked
        var unrelated = LettersName("calm");
        foreach (var name in new[] { squat, allowedSquat, unrelated }) Assert.Equal(HttpStatusCode.OK, await CreateAsync(name));
        Assert.Equal(0, (await CliAsync("names", "protect", guarded)).Exit);
        Assert.Equal(0, (await CliAsync("names", "allow", allowedSquat, guarded)).Exit);

        var dry = await CliAsync("names", "sweep", "--dry-run");
        Assert.True(dry.Exit == 0, dry.Err);
        Assert.Contains($"{squat}: resembles '{guarded}' (rule: transposition, verdict: block): would report", dry.Out);
        Assert.False(await Server.WithDbAsync(db => db.ProjectReports.AnyAsync(r => r.ProjectName == squat)));

        var first = await CliAsync("names", "sweep");
        Assert.True(first.Exit == 0, first.Err);
        Assert.Contains($"{squat}: resembles '{guarded}' (rule: transposition, verdict: block): reported", first.Out);
        Assert.DoesNotContain(allowedSquat + ":", first.Out);
        Assert.DoesNotContain(unrelated, first.Out);
        Assert.Matches(@"Checked \d+ projects: \d+ hits, [1-9]\d* reports filed, \d+ already reported\.", first.Out);

        var second = await CliAsync("names", "sweep");
        Assert.True(second.Exit == 0, second.Err);
        Assert.Contains($"{squat}: resembles '{guarded}' (rule: transposition, verdict: block): already reported", second.Out);
        Assert.Contains(" 0 reports filed", second.Out);

        var report = await Server.WithDbAsync(db => db.ProjectReports.AsNoTracking().SingleAsync(r => r.ProjectName == squat));
        Assert.Equal(ReportKind.Typosquat, report.Kind);
        var finding = await Server.WithDbAsync(db => db.ModerationFindings.AsNoTracking().SingleAsync(f => f.ProjectName == squat));
        Assert.Equal(new FindingLine("transposition", null, null, $"resembles the protected project '{guarded}' (verdict block)"), DetectorReports.Lines(finding).Single());
        // A sweep only reports: the project stays as it was, for a person to judge.
        Assert.Equal(ProjectLifecycle.Active, await Server.WithDbAsync(db => db.Projects.Where(p => p.NormalizedName == squat).Select(p => p.Lifecycle).SingleAsync()));
    }
}

public sealed class NameListTestsSqlite(SqliteServer s) : NameListTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class NameListTestsPostgres(PostgresServer s) : NameListTests<PostgresServer>(s), IClassFixture<PostgresServer>;
