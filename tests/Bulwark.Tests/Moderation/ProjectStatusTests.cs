using System.Net;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>The owners' PEP 792 statuses: archived and deprecated (with a reason), on the settings page and the verbs.</summary>
public abstract class ProjectStatusTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Owners_archive_on_the_settings_page_the_project_stays_installable_and_uploads_are_refused()
    {
        var owner = await CreateUserAsync("own");
        var (name, token) = await PublishAsync(owner, "1.0");
        await SimpleHtmlAsync(name);
        var browser = await SignInAsync(owner.Username);
        var settings = await browser.GetAsync($"/manage/project/{name}/settings");
        var wrong = await browser.SubmitAsync(settings, "#project-status-form", [Field("status", "archived"), Field("confirm", "not-the-name")]);
        Assert.Contains("to confirm", wrong.Text);
        Assert.Contains("content=\"active\"", await SimpleHtmlAsync(name));

        var done = await browser.SubmitAsync(settings, "#project-status-form", [Field("status", "archived"), Field("confirm", name)]);
        Assert.Contains("is now archived", done.Text);
        var html = await SimpleHtmlAsync(name);
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"archived\">", html);
        Assert.Contains(".whl", html);
        var json = await SimpleJsonAsync(name);
        Assert.Equal("archived", json.GetProperty("project-status").GetProperty("status").GetString());
        Assert.False(json.GetProperty("project-status").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync($"/pypi/{name}/json"));
        Assert.Equal("archived", (await browser.GetAsync($"/project/{name}/")).Get("#project-status-notice").GetAttribute("data-status"));

        var upload = await TryUploadAsync(token, new TestDistributions.Spec(name, "2.0"));
        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.StartsWith($"Cannot upload to archived project '{name}'.", upload.ReasonPhrase);
        Assert.Single(await AuditAsync(e => e.Type == AuditEventType.ProjectStatusChanged && e.Details!.Contains(name) && e.ActorUserId == owner.Id));

        // A maintainer who is not an owner sees the status but cannot change it.
        var maintainer = await CreateUserAsync("mnt");
        await Server.WithDbAsync(async db =>
        {
            var project = await db.Projects.SingleAsync(p => p.Name == name);
            db.ProjectRoles.Add(new Bulwark.Core.Packaging.ProjectRole { ProjectId = project.Id, UserId = maintainer.Id, Role = Bulwark.Core.Packaging.ProjectRoleKind.Maintainer, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        var other = await SignInAsync(maintainer.Username);
        var page = await other.GetAsync($"/manage/project/{name}/settings");
        Assert.Null(page.Find("#project-status-form"));
    }

    [Fact]
    public async Task Deprecation_with_a_reason_is_served_in_both_formats_and_uploads_still_work()
    {
        var (name, token) = await PublishAsync(null, "1.0");
        await SimpleHtmlAsync(name);
        var help = await CliAsync("project", "deprecate", "--help");
        Assert.Contains("--reason", help.Out);
        var run = await CliAsync("project", "deprecate", name, "--reason", "Use \"new-thing\" <instead>");
        Assert.True(run.Exit == 0, run.Err);

        var html = await SimpleHtmlAsync(name);
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"deprecated\">", html);
        Assert.Contains("<meta name=\"pypi:project-status-reason\" content=\"Use &quot;new-thing&quot; &lt;instead&gt;\">", html);
        var status = (await SimpleJsonAsync(name)).GetProperty("project-status");
        Assert.Equal(("deprecated", "Use \"new-thing\" <instead>"), (status.GetProperty("status").GetString(), status.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(token, new TestDistributions.Spec(name, "1.1"))).StatusCode);

        var back = await CliAsync("project", "unarchive", name);
        Assert.True(back.Exit == 0, back.Err);
        html = await SimpleHtmlAsync(name);
        Assert.Contains("content=\"active\"", html);
        Assert.DoesNotContain("project-status-reason", html);
        var same = await CliAsync("project", "unarchive", name);
        Assert.Equal(1, same.Exit);
        Assert.Contains("already active", same.Err);
    }
}

public sealed class ProjectStatusTestsSqlite(SqliteServer s) : ProjectStatusTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class ProjectStatusTestsPostgres(PostgresServer s) : ProjectStatusTests<PostgresServer>(s), IClassFixture<PostgresServer>;
