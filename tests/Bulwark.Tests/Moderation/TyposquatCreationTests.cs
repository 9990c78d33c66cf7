using System.Net;
using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>The typosquat check at project creation against the server's protected set (critical projects here).</summary>
public abstract class TyposquatCreationTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    /// <summary>A fresh critical project with a letters-only name (digits would change which rules apply).</summary>
    private async Task<string> CriticalProjectAsync()
    {
        var name = "guard" + new string([.. Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + c % 26))]);
        var token = await Server.CreateTokenAsync("crit" + Guid.NewGuid().ToString("N")[..8]);
        var upload = await TryUploadAsync(token, new TestDistributions.Spec(name, "1.0"));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        // Through the verb, another process: the server learns of the new critical project from the journal.
        var critical = await CliAsync("project", "critical", "add", name, "--reason", "typosquat tests");
        Assert.True(critical.Exit == 0, critical.Err);
        return name;
    }

    [Fact]
    public async Task A_near_copy_of_a_protected_name_is_refused_naming_the_project_and_the_rule()
    {
        var protectedName = await CriticalProjectAsync();
        // g-a-u-r-d: two neighbouring letters swapped, a default "block" rule.
        var squat = string.Concat(protectedName[0].ToString(), protectedName[2].ToString(), protectedName[1].ToString(), protectedName[3..]);
        var token = await Server.CreateTokenAsync("sq" + Guid.NewGuid().ToString("N")[..8]);

        var upload = await TryUploadAsync(token, new TestDistributions.Spec(squat, "1.0"));

        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Equal(
            $"The name '{squat}' is too similar to the protected project '{protectedName}' (rule: transposition). " +
            "If this is a different project, choose another name or ask the index administrators for an exception.", upload.ReasonPhrase);
        Assert.False(await Server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == squat)));
    }

    [Fact]
    public async Task A_name_on_a_hold_rule_is_created_quarantined_with_a_report_and_a_finding()
    {
        var protectedName = await CriticalProjectAsync();
        var held = "python-" + protectedName;
        var token = await Server.CreateTokenAsync("hold" + Guid.NewGuid().ToString("N")[..8]);

        var upload = await TryUploadAsync(token, new TestDistributions.Spec(held, "1.0"));

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var project = await Server.WithDbAsync(db => db.Projects.AsNoTracking().SingleAsync(p => p.NormalizedName == held));
        Assert.Equal(ProjectLifecycle.Quarantined, project.Lifecycle);
        var report = await Server.WithDbAsync(db => db.ProjectReports.AsNoTracking().SingleAsync(r => r.ProjectId == project.Id));
        Assert.Equal(ReportKind.Typosquat, report.Kind);
        Assert.Null(report.ClosedAt);
        Assert.Contains($"resembles the protected project '{protectedName}' (rule: affix)", report.Summary);
        var finding = await Server.WithDbAsync(db => db.ModerationFindings.AsNoTracking().SingleAsync(f => f.ProjectId == project.Id));
        Assert.Equal("typosquat", finding.Detector);
        Assert.Contains("\"Rule\":\"affix\"", finding.Details);
        // Held means not installable: the index does not serve the quarantined project's files.
        var simple = await SimpleJsonAsync(held);
        Assert.Equal("quarantined", simple.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Equal(0, simple.GetProperty("files").GetArrayLength());
    }

    [Fact]
    public async Task An_unrelated_name_and_a_family_plugin_are_created_as_usual()
    {
        var protectedName = await CriticalProjectAsync();
        var token = await Server.CreateTokenAsync("ok" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var name in new[] { protectedName + "-xdist", UniqueName("plain") })
        {
            Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(token, new TestDistributions.Spec(name, "1.0"))).StatusCode);
            Assert.Equal(ProjectLifecycle.Active, await Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).Select(p => p.Lifecycle).SingleAsync()));
        }
    }
}

public sealed class TyposquatCreationTestsSqlite(SqliteServer s) : TyposquatCreationTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class TyposquatCreationTestsPostgres(PostgresServer s) : TyposquatCreationTests<PostgresServer>(s), IClassFixture<PostgresServer>;
