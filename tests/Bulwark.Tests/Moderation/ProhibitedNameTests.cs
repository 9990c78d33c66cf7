using System.Net;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>Prohibited names: the verb, the admin list, the checks at project creation, and malware removal by the verb.</summary>
public abstract class ProhibitedNameTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task A_prohibited_name_is_refused_at_every_creation_in_any_spelling()
    {
        var name = UniqueName("banned");
        var help = await CliAsync("name", "prohibit", "--help");
        Assert.Contains("--comment", help.Out);
        var noComment = await CliAsync("name", "prohibit", name, "--comment", " ");
        Assert.Equal(2, noComment.Exit);
        Assert.Contains("A comment is required", noComment.Err);
        var run = await CliAsync("name", "prohibit", name.ToUpperInvariant().Replace('-', '.'), "--comment", "squats a company name");
        Assert.True(run.Exit == 0, run.Err);
        Assert.Equal(1, (await CliAsync("name", "prohibit", name, "--comment", "again")).Exit);

        var upload = await TryUploadAsync(await Server.CreateTokenAsync("up" + Guid.NewGuid().ToString("N")[..8]), new TestDistributions.Spec(name.Replace('-', '_'), "1.0"));
        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Equal($"The name '{name.Replace('-', '_')}' isn't allowed.", upload.ReasonPhrase);

        var owner = await CreateUserAsync("pend");
        var pending = await CliAsync("project", "publisher", "add", name, "--owner", owner.Username, "--provider", "github",
            "--repository", "acme/thing", "--workflow", "release.yml");
        Assert.NotEqual(0, pending.Exit);
        Assert.Contains("isn't allowed", pending.Err);

        var (_, admin) = await AdminAsync();
        var page = await admin.GetAsync("/admin/names");
        Assert.Contains("squats a company name", page.Get($"#prohibited-names tr[data-name='{name}']").TextContent);
        var bad = await admin.SubmitAsync(page, "#prohibit-form", [Field("Name", "-bad name-"), Field("Comment", "x")], follow: false);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("is not a valid project name", bad.Get("#form-errors").TextContent);
        var other = UniqueName("webban");
        var added = await admin.SubmitAsync(page, "#prohibit-form", [Field("Name", other), Field("Comment", "from the page")]);
        Assert.NotNull(added.Find($"#prohibited-names tr[data-name='{other}']"));
        Assert.Equal(2, (await AuditAsync(e => e.Type == AuditEventType.NameProhibited && (e.Details!.Contains(name) || e.Details.Contains(other)))).Count);
    }

    [Fact]
    public async Task The_remove_verb_removes_releases_or_the_project_and_prohibits_the_name_of_a_removed_project()
    {
        var (name, token) = await PublishAsync(null, "1.0", "1.1");
        var files = await FileUrlsAsync(name, "1.1");
        var release = await CliAsync("project", "remove", name, "--version", "1.1", "--reason", "malicious 1.1");
        Assert.True(release.Exit == 0, release.Err);
        Assert.Contains($"Removed {name} 1.1 (1 files).", release.Out);
        Assert.DoesNotContain("-1.1-", await SimpleHtmlAsync(name));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(files[0]));
        Assert.DoesNotContain(await Server.ListBlobsAsync(), b => b.Path.EndsWith(files[0].Split('/')[^1], StringComparison.Ordinal));
        Assert.False(await Server.WithDbAsync(db => db.ProhibitedProjectNames.AnyAsync(p => p.NormalizedName == name)));
        // The filename stays reserved.
        Assert.Equal(HttpStatusCode.BadRequest, (await TryUploadAsync(token, new TestDistributions.Spec(name, "1.1"))).StatusCode);

        var project = await CliAsync("project", "remove", name, "--reason", "malware", "--freeze-uploader");
        Assert.True(project.Exit == 0, project.Err);
        Assert.Contains("the name is prohibited", project.Out);
        Assert.Contains("Frozen: bot", project.Out);
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync($"/simple/{name}/"));
        var entry = await Server.WithDbAsync(db => db.ProhibitedProjectNames.SingleAsync(p => p.NormalizedName == name));
        Assert.Equal("Removed as malware: malware", entry.Reason);
        Assert.Equal(HttpStatusCode.Forbidden, (await TryUploadAsync(token, new TestDistributions.Spec(name, "2.0"))).StatusCode);
        var missing = await CliAsync("project", "remove", name, "--reason", "x");
        Assert.Equal(1, missing.Exit);
    }
}

public sealed class ProhibitedNameTestsSqlite(SqliteServer s) : ProhibitedNameTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class ProhibitedNameTestsPostgres(PostgresServer s) : ProhibitedNameTests<PostgresServer>(s), IClassFixture<PostgresServer>;
