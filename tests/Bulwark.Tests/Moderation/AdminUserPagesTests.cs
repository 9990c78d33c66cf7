using System.Net;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Bulwark.Tests.Infrastructure.SecondFactorSeeding;

namespace Bulwark.Tests.Moderation;

/// <summary>
/// The responders' pages about one account: <c>/admin/users/{name}</c> (freeze, unfreeze, restore) and the activity
/// review's one confirmed step, and what a restored owner must do before uploading to a project under a mandate.
/// </summary>
public abstract class AdminUserPagesTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    /// <summary>The browser's own anti-forgery field, from a page it may see.</summary>
    private static async Task<KeyValuePair<string, string>> CsrfAsync(Browser browser) =>
        Field("__csrf", (await browser.GetAsync("/account/")).Get("input[name=__csrf]").GetAttribute("value")!);

    private Task<bool> IsFrozenAsync(User user) => Server.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.IsFrozen).SingleAsync());

    [Fact]
    public async Task Freeze_unfreeze_and_restore_from_the_user_page_need_the_typed_name_and_a_passkey_session()
    {
        var owner = await CreateUserAsync("pgu");
        var token = await Server.CreateTokenAsync(owner.Username);
        var (name, _) = await PublishAsync(owner, "1.0");

        var (_, totpAdmin) = await SignedInUserAsync("adm", admin: true);
        Assert.Equal(HttpStatusCode.Forbidden, (await totpAdmin.GetAsync($"/admin/users/{owner.Username}")).Status);
        var (_, admin) = await AdminAsync();
        Assert.NotNull((await admin.GetAsync("/admin/users")).Find("form#user-lookup[method=get] input[name=name]"));
        var lookup = await admin.GetAsync($"/admin/users?name={owner.Username}");
        Assert.Equal(HttpStatusCode.OK, lookup.Status);
        Assert.Equal("active", lookup.Get("#standing").GetAttribute("data-standing"));
        Assert.NotNull(lookup.Find($"#roles tr[data-project='{ProjectName.Normalize(name)}']"));
        Assert.Contains("1", lookup.Get("[data-field=tokens]").TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/users/nobody-" + Guid.NewGuid().ToString("N")[..6])).Status);

        // A session that is not phishing-resistant cannot post either, even with the name typed.
        var refused = await totpAdmin.Client.PostAsync($"/admin/users/{owner.Username}?handler=Freeze", new FormUrlEncodedContent(
            [Field("reason", "x"), Field("confirm", owner.Username), await CsrfAsync(totpAdmin)]));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var stolenForm = await admin.GetAsync($"/admin/users/{owner.Username}");
        var unconfirmed = await admin.SubmitAsync(stolenForm, "#freeze-form", [Field("reason", "phished"), Field("confirm", "someone-else")]);
        Assert.Contains($"Type the user name “{owner.Username}” to confirm.", unconfirmed.Text);
        Assert.False(await IsFrozenAsync(owner));

        var frozen = await admin.SubmitAsync(stolenForm, "#freeze-form", [Field("reason", "phished"), Field("confirm", owner.Username.ToUpperInvariant())]);
        Assert.Contains($"Froze '{owner.Username}'", frozen.Text);
        Assert.Equal("frozen", frozen.Get("#standing").GetAttribute("data-standing"));
        var upload = await TryUploadAsync(token, new TestDistributions.Spec(name, "1.1"));
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Contains("frozen", upload.ReasonPhrase);
        Assert.Contains("phished", (await PickupMail.WaitForAsync(Server, owner.Email, "Your account was frozen by the administrators")).TextBody);

        var unfrozen = await admin.SubmitAsync(frozen, "#unfreeze-form", [Field("confirm", owner.Username)]);
        Assert.Contains($"Unfroze '{owner.Username}'", unfrozen.Text);
        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(token, new TestDistributions.Spec(name, "1.1"))).StatusCode);

        var again = await admin.SubmitAsync(unfrozen, "#freeze-form", [Field("reason", "phished for real"), Field("confirm", owner.Username)]);
        var restoredWithoutName = await admin.SubmitAsync(again, "#restore-form", [Field("confirm", "")]);
        Assert.Contains("to confirm", restoredWithoutName.Text);
        Assert.True(await IsFrozenAsync(owner));
        var restored = await admin.SubmitAsync(again, "#restore-form", [Field("confirm", owner.Username)]);
        Assert.Contains($"Restored '{owner.Username}'", restored.Text);
        Assert.False(await IsFrozenAsync(owner));
        var revoked = await TryUploadAsync(token, new TestDistributions.Spec(name, "1.2"));
        Assert.Equal(HttpStatusCode.Forbidden, revoked.StatusCode);
        Assert.Contains("revoked", revoked.ReasonPhrase);
        await PickupMail.WaitForAsync(Server, owner.Email, "Your account was restored");
        var events = await AuditAsync(e => e.UserId == owner.Id);
        Assert.Equal(2, events.Count(e => e.Type == AuditEventType.AccountFrozenByAdmin));
        Assert.Contains(events, e => e.Type == AuditEventType.AccountUnfrozen);
        Assert.Contains(events, e => e.Type == AuditEventType.AccountRestored);
    }

    [Fact]
    public async Task The_activity_page_lists_the_window_and_its_one_step_revokes_everything_acts_on_the_chosen_releases_and_mails_collaborators()
    {
        var (owner, ownerBrowser) = await SignedInUserAsync("cmp");
        var collaborator = await CreateUserAsync("col");
        var (name, _) = await PublishAsync(owner, "1.0");
        await Server.WithDbAsync(async db =>
        {
            var project = await db.Projects.SingleAsync(p => p.Name == name);
            db.ProjectRoles.Add(new ProjectRole { ProjectId = project.Id, UserId = collaborator.Id, Role = ProjectRoleKind.Maintainer, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        var own = await Server.CreateTokenAsync(owner.Username);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        var stolen = await Server.CreateTokenAsync(owner.Username);
        await UploadAsync(owner.Username, new TestDistributions.Spec(name, "1.1"), token: stolen);
        await UploadAsync(owner.Username, new TestDistributions.Spec(name, "1.2"), token: stolen);
        var stolenId = await Server.WithDbAsync(db => db.ApiTokens.Where(t => t.UserId == owner.Id).OrderBy(t => t.CreatedAt).Select(t => t.Id).ToListAsync());
        var sinceText = since.UtcDateTime.ToString("O");

        var (_, admin) = await AdminAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/admin/users/{owner.Username}/activity?since=last+tuesday")).Status);
        var page = await admin.GetAsync($"/admin/users/{owner.Username}/activity?since={Uri.EscapeDataString(sinceText)}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var uploads = page.All("#activity tr[data-type=upload]");
        Assert.Equal(2, uploads.Count);
        Assert.All(uploads, u => Assert.Equal(stolenId[1].ToString(), u.GetAttribute("data-token")));
        Assert.Contains("1.1", uploads[0].TextContent);
        Assert.Contains("1.2", uploads[1].TextContent);
        Assert.NotNull(page.Find($"#respond-form input[name=releases][value='{name}==1.1']"));
        Assert.Null(page.Find($"#respond-form input[name=releases][value='{name}==1.0']"));
        // The default window is the last 30 days, so the same uploads are there without ?since.
        Assert.Equal(2, (await admin.GetAsync($"/admin/users/{owner.Username}/activity")).All("#activity tr[data-type=upload]").Count);

        var unconfirmed = await admin.SubmitAsync(page, "#respond-form",
            [Field("releases", $"{name}==1.1"), Field("action", "Remove"), Field("reason", "stolen token"), Field("confirm", "nope")]);
        Assert.Contains("to confirm", unconfirmed.Text);
        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(own, new TestDistributions.Spec(name, "1.3"))).StatusCode);
        var outside = await admin.SubmitAsync(page, "#respond-form",
            [Field("releases", $"{name}==1.0"), Field("action", "Remove"), Field("reason", "stolen token"), Field("confirm", owner.Username)]);
        Assert.Contains($"did not touch {name} 1.0", outside.Text);
        Assert.Empty(await AuditAsync(e => e.Type == AuditEventType.CompromiseResponse && e.UserId == owner.Id));

        var done = await admin.SubmitAsync(page, "#respond-form",
            [Field("releases", $"{name}==1.1"), Field("action", "Remove"), Field("reason", "stolen token"), Field("confirm", owner.Username)]);
        Assert.Contains($"Responded for '{owner.Username}': 2 API token(s) revoked, 1 session(s) ended", done.Text);
        Assert.Contains($"removed {name}==1.1", done.Text);

        // Tokens revoked (not merely refused), sessions ended.
        foreach (var token in new[] { own, stolen })
        {
            var refused = await TryUploadAsync(token, new TestDistributions.Spec(name, "1.4"));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("revoked", refused.ReasonPhrase);
        }
        Assert.NotNull((await ownerBrowser.GetAsync("/account/")).Find("#login-form"));
        // Only the chosen release went.
        var html = await SimpleHtmlAsync(name);
        Assert.DoesNotContain("-1.1-", html);
        Assert.Contains("-1.0-", html);
        Assert.Contains("-1.2-", html);
        foreach (var who in new[] { owner, collaborator })
        {
            var mail = await PickupMail.WaitForAsync(Server, who.Email, $"Security response on {name}: releases removed");
            Assert.Contains("1.1", mail.TextBody);
            Assert.Contains(owner.Username, mail.TextBody);
        }
        var audited = Assert.Single(await AuditAsync(e => e.Type == AuditEventType.CompromiseResponse && e.UserId == owner.Id));
        Assert.Contains($"{name}==1.1", audited.Details);
        Assert.Contains("\"tokens_revoked\":2", audited.Details);
        Assert.Contains("\"action\":\"remove\"", audited.Details);

        // The removed release is still listed in the review, but no longer offered.
        var after = await admin.GetAsync($"/admin/users/{owner.Username}/activity?since={Uri.EscapeDataString(sinceText)}");
        Assert.NotNull(after.Find($"#respond-form [data-gone='{name}==1.1']"));
        Assert.Null(after.Find($"#respond-form input[name=releases][value='{name}==1.1']"));
        Assert.NotNull(after.Find($"#respond-form input[name=releases][value='{name}==1.2']"));

        // The verb: the same use case from the command line, here quarantining what is left of the window.
        var cli = await CliAsync("user", "respond", owner.Username, "--since", sinceText, "--releases", $"{name}==1.2", "--action", "quarantine", "--reason", "stolen token");
        Assert.True(cli.Exit == 0, cli.Err);
        Assert.Contains($"quarantined {name}==1.2", cli.Out);
        html = await SimpleHtmlAsync(name);
        Assert.DoesNotContain("-1.2-", html);
        Assert.Contains("-1.0-", html);
        var bad = await CliAsync("user", "respond", owner.Username, "--since", sinceText, "--releases", "no-version", "--reason", "x");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("is not PROJECT==VERSION", bad.Err);
    }

    [Fact]
    public async Task The_yank_response_yanks_the_chosen_release_and_a_session_without_a_passkey_cannot_respond()
    {
        var owner = await CreateUserAsync("ynk");
        var (name, _) = await PublishAsync(owner, "1.0");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).UtcDateTime.ToString("O");
        await UploadAsync(owner.Username, new TestDistributions.Spec(name, "2.0"));
        var (_, admin) = await AdminAsync();
        var url = $"/admin/users/{owner.Username}/activity?since={Uri.EscapeDataString(since)}";
        var page = await admin.GetAsync(url);

        var (_, totpAdmin) = await SignedInUserAsync("adm", admin: true);
        Assert.Equal(HttpStatusCode.Forbidden, (await totpAdmin.GetAsync(url)).Status);
        var refused = await totpAdmin.Client.PostAsync($"/admin/users/{owner.Username}/activity?handler=Respond", new FormUrlEncodedContent(
            [Field("since", since), Field("releases", $"{name}==2.0"), Field("action", "Yank"), Field("reason", "x"), Field("confirm", owner.Username),
             await CsrfAsync(totpAdmin)]));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Empty(await AuditAsync(e => e.Type == AuditEventType.CompromiseResponse && e.UserId == owner.Id));

        var done = await admin.SubmitAsync(page, "#respond-form",
            [Field("releases", $"{name}==2.0"), Field("action", "Yank"), Field("reason", "doubtful"), Field("confirm", owner.Username)]);
        Assert.Contains($"yanked {name}==2.0", done.Text);
        var yanked = await Server.WithDbAsync(db => db.Releases.Where(r => r.Project.Name == name).ToDictionaryAsync(r => r.Version, r => r.Yanked));
        Assert.True(yanked["2.0"]);
        Assert.False(yanked["1.0"]);
    }

    [Fact]
    public async Task After_a_restore_the_owner_signs_in_again_and_must_enrol_a_second_factor_before_uploading_to_a_critical_project()
    {
        var owner = await CreateUserAsync("rst");
        await EnrolAsync(owner, Factor.Totp);
        var (name, _) = await PublishAsync(owner, "1.0");
        var old = await Server.CreateTokenAsync(owner.Username);
        await Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).ExecuteUpdateAsync(u => u
            .SetProperty(p => p.CriticalSince, DateTimeOffset.UtcNow.AddDays(-40))
            .SetProperty(p => p.CriticalEnforceAfter, DateTimeOffset.UtcNow.AddDays(-1))
            .SetProperty(p => p.CriticalNotifiedAt, DateTimeOffset.UtcNow)));
        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(old, new TestDistributions.Spec(name, "1.1"))).StatusCode);

        var (_, admin) = await AdminAsync();
        var page = await admin.SubmitAsync(await admin.GetAsync($"/admin/users/{owner.Username}"), "#freeze-form", [Field("reason", "phished"), Field("confirm", owner.Username)]);
        var restored = await admin.SubmitAsync(page, "#restore-form", [Field("confirm", owner.Username)]);
        Assert.Contains("1 second factor(s) and the recovery codes removed", restored.Text);
        Assert.Equal("0", restored.Get("[data-field=factors]").TextContent.Trim());

        // The owner chooses a new password through the mailed link and signs in with it.
        var link = PickupMail.TokenFrom(await PickupMail.WaitForAsync(Server, owner.Email, "Your account was restored"), AccountLinks.ResetPasswordPath);
        var browser = NewBrowser();
        var reset = await browser.SubmitAsync(await browser.GetAsync($"{AccountLinks.ResetPasswordPath}?token={link}"), "#reset-form", [Field("Password", "quartz heron fable 58")]);
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        var signedIn = await browser.SubmitAsync(await browser.GetAsync("/account/login"), "#login-form", [Field("Username", owner.Username), Field("Password", "quartz heron fable 58")]);
        Assert.Null(signedIn.Find("#login-form"));

        var fresh = await Server.CreateTokenAsync(owner.Username);
        var refused = await TryUploadAsync(fresh, new TestDistributions.Spec(name, "1.2"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains($"'{name}' is a critical project", refused.ReasonPhrase);
        Assert.Equal(HttpStatusCode.Forbidden, (await TryUploadAsync(old, new TestDistributions.Spec(name, "1.2"))).StatusCode);

        await EnrolAsync(owner, Factor.Totp);
        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(fresh, new TestDistributions.Spec(name, "1.2"))).StatusCode);
    }
}

public sealed class AdminUserPagesTestsSqlite(SqliteServer s) : AdminUserPagesTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class AdminUserPagesTestsPostgres(PostgresServer s) : AdminUserPagesTests<PostgresServer>(s), IClassFixture<PostgresServer>;
