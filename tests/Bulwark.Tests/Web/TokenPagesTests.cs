using System.Net;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Web;

public abstract class TokenPagesTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Unverified_accounts_are_told_to_verify_before_creating_tokens()
    {
        var (user, browser) = await SignedInUserAsync(verified: false);
        var page = await browser.GetAsync("/account/tokens/new");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Null(page.Find("#token-form"));
        Assert.Contains("Verify your e-mail address before creating API tokens", page.Get("#token-refusal").TextContent);

        // Posting anyway (a form kept from before) creates nothing.
        var account = await browser.GetAsync("/account/");
        Assert.NotNull(account.Find("#unverified-notice"));
        var csrf = account.Get("#resend-form input[name=__csrf]").GetAttribute("value")!;
        var posted = await browser.FollowAsync(await browser.PostRawAsync("/account/tokens/new",
            [Field("__csrf", csrf), Field("Name", "sneaky"), Field("Scope", "user"), Field("ExpiresInDays", "30")]));
        Assert.Contains("Verify your e-mail address", posted.Get("#token-refusal").TextContent);
        Assert.Null(posted.Find("#new-token"));
        Assert.Equal(0, await Server.WithDbAsync(db => Task.FromResult(db.ApiTokens.Count(t => t.UserId == user.Id))));
    }

    [Fact]
    public async Task A_project_scoped_token_is_shown_once_listed_with_its_projects_and_limited_to_them()
    {
        var (user, browser) = await SignedInUserAsync("tok");
        var mine = UniqueName("mine");
        var other = UniqueName("other");
        await UploadAsync(user.Username, new TestDistributions.Spec(mine, "1.0"));
        await UploadAsync(user.Username, new TestDistributions.Spec(other, "1.0"));

        var form = await browser.GetAsync("/account/tokens/new");
        Assert.NotNull(form.Find($"#project-{mine}"));
        var created = await browser.SubmitAsync(form, "#token-form",
            [Field("Name", "CI for mine"), Field("Scope", "projects"), Field("Projects", mine), Field("ExpiresInDays", "30")]);
        var token = created.Get("#new-token").GetAttribute("value")!;
        Assert.StartsWith("bulwark_", token);
        Assert.True(created.Response.Headers.CacheControl?.NoStore, "the page with the token must not be cached");
        Assert.Contains("shown only once", created.Text);

        var list = await browser.GetAsync("/account/tokens/");
        Assert.DoesNotContain(token, list.Html);
        Assert.DoesNotContain(token[8..40], list.Html);
        var row = list.Get("#tokens tbody tr");
        Assert.Contains("CI for mine", row.TextContent);
        Assert.Equal([mine], row.QuerySelectorAll(".scope-project").Select(a => a.TextContent).ToList());
        Assert.Contains("Never", row.Children[3].TextContent);
        Assert.NotEqual("Never", row.Children[4].TextContent.Trim());

        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(token, new TestDistributions.Spec(mine, "2.0"))).StatusCode);
        var refused = await TryUploadAsync(token, new TestDistributions.Spec(other, "2.0"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("project-scoped token is not valid", refused.ReasonPhrase);

        var used = (await browser.GetAsync("/account/tokens/")).Get("#tokens tbody tr");
        Assert.DoesNotContain("Never", used.Children[3].TextContent);

        var mail = await PickupMail.WaitForAsync(Server, user.Email, "token");
        Assert.DoesNotContain(token, mail.TextBody);
    }

    [Fact]
    public async Task A_user_wide_token_can_be_revoked_and_then_uploads_are_refused()
    {
        var (user, browser) = await SignedInUserAsync("rev");
        var form = await browser.GetAsync("/account/tokens/new");
        var created = await browser.SubmitAsync(form, "#token-form", [Field("Name", "laptop"), Field("Scope", "user"), Field("ExpiresInDays", "0")]);
        var token = created.Get("#new-token").GetAttribute("value")!;
        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(token, new TestDistributions.Spec(UniqueName("wide"), "1.0"))).StatusCode);

        var list = await browser.GetAsync("/account/tokens/");
        Assert.Contains("All projects", list.Get("#tokens .scope").TextContent);
        var revoked = await browser.SubmitAsync(list, "#tokens .revoke-form");
        Assert.Contains("Revoked the token 'laptop'", revoked.Get(".flash").TextContent);
        Assert.Contains("revoked", revoked.Get("#tokens .badge").TextContent);
        Assert.Null(revoked.Find("#tokens .revoke-form"));

        var refused = await TryUploadAsync(token, new TestDistributions.Spec(UniqueName("wide"), "1.0"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("revoked", refused.ReasonPhrase);
    }

    [Fact]
    public async Task Scopes_outside_the_users_projects_are_refused()
    {
        var (user, browser) = await SignedInUserAsync("scp");
        var theirs = UniqueName("theirs");
        await UploadAsync("stranger" + theirs[^6..], new TestDistributions.Spec(theirs, "1.0"));
        var form = await browser.GetAsync("/account/tokens/new");
        var refused = await browser.SubmitAsync(form, "#token-form", [Field("Name", "x"), Field("Scope", "projects"), Field("Projects", theirs), Field("ExpiresInDays", "30")]);
        Assert.Null(refused.Find("#new-token"));
        Assert.Contains("Choose one or more of your projects", refused.Get("#form-errors").TextContent);
        Assert.Equal(0, await Server.WithDbAsync(db => Task.FromResult(db.ApiTokens.Count(t => t.UserId == user.Id))));
    }

    [Fact]
    public async Task A_token_can_be_scoped_to_a_new_project_name_but_not_to_someone_elses()
    {
        var (user, browser) = await SignedInUserAsync("np");
        var fresh = UniqueName("fresh");
        var form = await browser.GetAsync("/account/tokens/new");
        Assert.NotNull(form.Find("#scope-projects[checked]"));
        var created = await browser.SubmitAsync(form, "#token-form", [Field("Name", "first upload"), Field("NewProject", fresh.ToUpperInvariant()), Field("ExpiresInDays", "7")]);
        var token = created.Get("#new-token").GetAttribute("value")!;
        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(token, new TestDistributions.Spec(fresh, "1.0"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await TryUploadAsync(token, new TestDistributions.Spec(UniqueName("else"), "1.0"))).StatusCode);
        var list = await browser.GetAsync("/account/tokens/");
        Assert.Equal([fresh], list.All("#tokens .scope-project").Select(a => a.TextContent).ToList());
        Assert.Contains(fresh, (await browser.GetAsync("/manage/projects/")).Get("#my-projects").TextContent);

        var (_, other) = await SignedInUserAsync("np2");
        var taken = await other.SubmitAsync(await other.GetAsync("/account/tokens/new"), "#token-form",
            [Field("Name", "squat"), Field("NewProject", fresh), Field("ExpiresInDays", "7")]);
        Assert.Null(taken.Find("#new-token"));
        Assert.Contains("already exists and you are not one of its collaborators", taken.Get("#form-errors").TextContent);
        var invalid = await other.SubmitAsync(await other.GetAsync("/account/tokens/new"), "#token-form",
            [Field("Name", "bad"), Field("NewProject", "-bad name-"), Field("ExpiresInDays", "7")]);
        Assert.Contains("not a valid project name", invalid.Get("#form-errors").TextContent);
    }

    [Fact]
    public async Task Security_history_lists_the_accounts_events_with_time_ip_and_user_agent()
    {
        var (user, browser) = await SignedInUserAsync("hist");
        var form = await browser.GetAsync("/account/tokens/new");
        await browser.SubmitAsync(form, "#token-form", [Field("Name", "history"), Field("Scope", "user"), Field("ExpiresInDays", "7")]);

        var page = await browser.GetAsync("/account/security-history");
        var rows = page.All("#security-events tbody tr");
        var created = rows.First(r => r.GetAttribute("data-event") == nameof(AuditEventType.TokenCreated));
        Assert.Equal("Token created", created.Children[1].TextContent);
        Assert.Equal(browser.Address, created.Children[2].TextContent);
        Assert.Equal("bulwark-tests-browser/1.0", created.Children[3].TextContent);
        Assert.EndsWith("UTC", created.Children[0].TextContent);
        Assert.Contains(rows, r => r.GetAttribute("data-event") == nameof(AuditEventType.LoginSuccess));
        // Newest first.
        Assert.Equal(nameof(AuditEventType.TokenCreated), rows[0].GetAttribute("data-event"));
    }
}

public sealed class TokenPagesTestsSqlite(SqliteServer server) : TokenPagesTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class TokenPagesTestsPostgres(PostgresServer server) : TokenPagesTests<PostgresServer>(server), IClassFixture<PostgresServer>;
