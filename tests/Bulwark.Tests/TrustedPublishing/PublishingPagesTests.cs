using System.Net;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Core.Policies;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.TrustedPublishing;

/// <summary>
/// The web side: a project's Publishing page (owners add and remove publishers under the mandates, everyone with a
/// role sees the publishers and the tokens they minted), the pending publishers page, and reporting a leaked token
/// from the token page.
/// </summary>
public abstract class PublishingPagesTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : TrustedPublishingServer
{
    private async Task<(string Project, Core.Accounts.User Owner, Browser Browser)> OwnedProjectAsync()
    {
        var (owner, browser) = await SignedInUserAsync("own");
        var project = UniqueName("pub");
        await UploadAsync(owner.Username, new TestDistributions.Spec(project, "1.0"));
        return (project, owner, browser);
    }

    private async Task<HtmlPage> AddGitHubAsync(Browser browser, string project, string repository)
    {
        var page = await browser.GetAsync($"/manage/project/{project}/publishing");
        return await browser.SubmitAsync(page, "#add-github",
            [new("Issuer", Server.GitHub), new("Repository", repository), new("Workflow", "release.yml"), new("Environment", "pypi")]);
    }

    [Fact]
    public async Task An_owner_adds_a_publisher_sees_its_tokens_and_removes_it()
    {
        var (project, owner, browser) = await OwnedProjectAsync();
        var added = await AddGitHubAsync(browser, project, "acme/" + project);
        Assert.Contains($"{project} now trusts GitHub at {Server.GitHub}: acme/{project}, workflow release.yml, environment pypi", added.Get(".flash").TextContent);
        var row = added.Get("#publishers tbody tr");
        Assert.Contains(owner.Username, row.TextContent);
        await PickupMail.WaitForAsync(Server, owner.Email, $"A trusted publisher was added to {project}");
        Assert.True(await Server.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEventType.TrustedPublisherAdded && e.ActorUserId == owner.Id)));

        await Server.MintOkAsync(Server.Issuer.SignRs256(TestOidcIssuer.GitHubClaims(Server.GitHub, TrustedPublishingServer.Audience, "acme/" + project, "release.yml", "pypi", Server.Clock.GetUtcNow())));
        var withToken = await browser.GetAsync($"/manage/project/{project}/publishing");
        var minted = withToken.Get("#minted-tokens tbody tr");
        Assert.Contains("acme/" + project, minted.TextContent);
        Assert.Contains("7000001", minted.TextContent);
        Assert.Contains("active", minted.TextContent);

        var removed = await browser.SubmitAsync(withToken, ".remove-publisher-form", [new("confirm", project)]);
        Assert.Contains("no longer trusts", removed.Get(".flash").TextContent);
        Assert.NotNull(removed.Find("#no-publishers"));
    }

    [Fact]
    public async Task A_bad_publisher_is_refused_with_the_reason()
    {
        var (project, _, browser) = await OwnedProjectAsync();
        var refused = await AddGitHubAsync(browser, project, "not-a-repository");
        Assert.Contains("is not a GitHub repository", refused.Get(".flash-error").TextContent);
        Assert.NotNull(refused.Find("#no-publishers"));
    }

    [Fact]
    public async Task A_maintainer_sees_the_publishers_but_cannot_change_them()
    {
        var (project, _, ownerBrowser) = await OwnedProjectAsync();
        await AddGitHubAsync(ownerBrowser, project, "acme/" + project);
        var (maintainer, browser) = await SignedInUserAsync("mnt");
        await Server.WithDbAsync(async db =>
        {
            var p = await db.Projects.SingleAsync(x => x.Name == project);
            db.ProjectRoles.Add(new ProjectRole { ProjectId = p.Id, UserId = maintainer.Id, Role = ProjectRoleKind.Maintainer, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        var page = await browser.GetAsync($"/manage/project/{project}/publishing");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("acme/" + project, page.Get("#publishers").TextContent);
        Assert.Null(page.Find("#add-github"));
        Assert.Null(page.Find(".remove-publisher-form"));

        // The form is not offered, and posting it anyway (with the maintainer's own anti-forgery token) is refused.
        var direct = await browser.Client.PostAsync($"/manage/project/{project}/publishing?handler=Add", new FormUrlEncodedContent(
            [new("Provider", "GitHub"), new("Repository", "mallory/" + project), new("Workflow", "x.yml"), new("__csrf", page.Get("input[name=__csrf]").GetAttribute("value")!)]));
        Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);
        Assert.False(await Server.WithDbAsync(db => db.TrustedPublishers.AnyAsync(p => p.Repository == "mallory/" + project)));
    }

    [Fact]
    public async Task On_a_phishing_resistant_only_project_a_password_session_cannot_approve_a_publisher()
    {
        var (project, owner, browser) = await OwnedProjectAsync();
        var page = await browser.GetAsync($"/manage/project/{project}/publishing");
        await Server.WithDbAsync(db => db.Projects.Where(p => p.Name == project).ExecuteUpdateAsync(u => u.SetProperty(p => p.RequirePhishingResistant, true)));

        var refused = await browser.SubmitAsync(page, "#add-github", [new("Issuer", Server.GitHub), new("Repository", "acme/" + project), new("Workflow", "release.yml")]);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(nameof(MandateRule.PhishingResistantOnly), refused.Get("#mandate-refused").GetAttribute("data-rule"));
        Assert.False(await Server.WithDbAsync(db => db.TrustedPublishers.AnyAsync(p => p.Repository == "acme/" + project)));
        Assert.True(await Server.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEventType.MandateRefused && e.UserId == owner.Id && e.ProjectId != null)));
    }

    [Fact]
    public async Task A_user_adds_and_removes_a_pending_publisher()
    {
        var (_, browser) = await SignedInUserAsync("pnd");
        var name = UniqueName("new");
        var page = await browser.GetAsync("/manage/publishing");
        var added = await browser.SubmitAsync(page, "#add-github",
            [new("projectName", name), new("Issuer", Server.GitHub), new("Repository", "acme/" + name), new("Workflow", "release.yml")]);
        Assert.Contains($"creates '{name}'", added.Get(".flash").TextContent);
        Assert.Contains(name, added.Get("#pending-publishers").TextContent);

        var removed = await browser.SubmitAsync(added, "#pending-publishers form");
        Assert.Contains($"Removed the pending publisher for '{name}'", removed.Get(".flash").TextContent);
        Assert.NotNull(removed.Find("#no-pending"));
    }

    [Fact]
    public async Task An_owner_reports_a_leaked_token_from_the_token_page()
    {
        var (user, browser) = await SignedInUserAsync("lk");
        var token = await Server.CreateTokenAsync(user.Username);
        var page = await browser.GetAsync("/account/tokens/");
        var reported = await browser.SubmitAsync(page, ".report-leak-form", [new("url", "https://gist.example.com/oops")]);
        Assert.Contains("recorded the leak", reported.Get(".flash").TextContent);
        Assert.True(Core.Accounts.ApiTokens.ApiTokenFormat.TryParse(token, out var id, out _));
        var ev = await Server.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Type == AuditEventType.TokenLeaked && e.TokenId == id));
        Assert.Contains("https://gist.example.com/oops", ev.Details);
        var refused = await TryUploadAsync(token, new TestDistributions.Spec(UniqueName("lk"), "1.0"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}

public sealed class PublishingPagesTestsSqlite(TrustedPublishingSqliteServer server) : PublishingPagesTests<TrustedPublishingSqliteServer>(server), IClassFixture<TrustedPublishingSqliteServer>;

public sealed class PublishingPagesTestsPostgres(TrustedPublishingPostgresServer server) : PublishingPagesTests<TrustedPublishingPostgresServer>(server), IClassFixture<TrustedPublishingPostgresServer>;
