using System.Net;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Core.Policies;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Bulwark.Tests.Infrastructure.SecondFactorSeeding;

namespace Bulwark.Tests.Policies;

/// <summary>A server that keeps <c>RequireTwoFactorForAll</c> at its default (on); no scheduled recompute.</summary>
public abstract class MandateServer(DatabaseKind database) : BulwarkServer(database)
{
    protected override bool RequireTwoFactorForAll => true;

    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Bulwark:Policy:CriticalRecomputeInterval", "00:00:00")];
}

public sealed class MandateSqliteServer() : MandateServer(DatabaseKind.Sqlite);

public sealed class MandatePostgresServer() : MandateServer(DatabaseKind.Postgres);

/// <summary>Helpers shared by the mandate tests: projects with roles, critical marks, tokens, uploads.</summary>
public abstract class MandateTestBase<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    /// <summary>A project created by an automation account's upload, with <paramref name="user"/> added in <paramref name="role"/>.</summary>
    protected async Task<string> ProjectWithRoleAsync(User user, ProjectRoleKind role = ProjectRoleKind.Owner, string stem = "mand")
    {
        var name = UniqueName(stem);
        await UploadAsync("bot" + Guid.NewGuid().ToString("N")[..8], new TestDistributions.Spec(name, "1.0"));
        await Server.WithDbAsync(async db =>
        {
            var project = await db.Projects.SingleAsync(p => p.Name == name);
            db.ProjectRoles.Add(new ProjectRole { ProjectId = project.Id, UserId = user.Id, Role = role, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        return name;
    }

    /// <summary>Marks the project critical with its deadline <paramref name="enforceIn"/> from now (negative: past).</summary>
    protected Task MarkCriticalAsync(string name, TimeSpan enforceIn) =>
        Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).ExecuteUpdateAsync(u => u
            .SetProperty(p => p.CriticalSince, DateTimeOffset.UtcNow.AddDays(-40))
            .SetProperty(p => p.CriticalEnforceAfter, DateTimeOffset.UtcNow + enforceIn)
            .SetProperty(p => p.CriticalNotifiedAt, DateTimeOffset.UtcNow)));

    protected Task SetPhishingResistantOnlyAsync(string name) =>
        Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).ExecuteUpdateAsync(u => u.SetProperty(p => p.RequirePhishingResistant, true)));

    protected Task EnrolAsync(User user, Factor factor, bool confirm = true) => Server.WithDbAsync(async db =>
    {
        await SecondFactorSeeding.EnrolAsync(db, user.Id, factor, confirm);
        return 0;
    });

    protected Task SessionMethodAsync(User user, AuthMethod method) => Server.WithDbAsync(db => SetSessionMethodAsync(db, user.Id, method));

    /// <summary>A token of a web user, minted as the token page would in a session of the given kind.</summary>
    protected Task<string> WebTokenAsync(User user, bool phishingResistantSession, params string[] projects) => Server.WithScopeAsync(async sp =>
    {
        var tracked = (await sp.GetRequiredService<UserService>().FindByUsernameAsync(user.Username))!;
        return (await sp.GetRequiredService<ApiTokenService>().CreateAsync(tracked, "web", projects, null, new Actor("test", "test"), default, phishingResistantSession)).Token;
    });

    protected async Task<HttpResponseMessage> UploadVersionAsync(string token, string project, string version) =>
        await TryUploadAsync(token, new TestDistributions.Spec(project, version));

    protected static async Task AssertRefusedAsync(HttpResponseMessage response, params string[] expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"expected 403, got {(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        foreach (var text in expected)
        {
            Assert.Contains(text, response.ReasonPhrase);
            Assert.Contains(text, body);
        }
    }

    protected static async Task<string> AssertOkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        return body;
    }

    protected Task<List<AuditEvent>> RefusalsOfAsync(User user) => AuditAsync(e => e.UserId == user.Id && e.Type == AuditEventType.MandateRefused);
}

/// <summary>The rules with <c>RequireTwoFactorForAll</c> on (the default).</summary>
public abstract class SiteMandateTests<TServer>(TServer server) : MandateTestBase<TServer>(server) where TServer : MandateServer
{
    [Fact]
    public async Task Upload_without_2FA_is_refused_naming_the_rule_and_allowed_once_a_factor_is_set_up()
    {
        var user = await CreateUserAsync("up");
        var token = await Server.CreateTokenAsync(user.Username);
        var name = UniqueName("site");

        await AssertRefusedAsync(await UploadVersionAsync(token, name, "1.0"),
            "two-factor authentication required for all users", $"User '{user.Username}' has no second factor", "/account/security");
        var refusal = Assert.Single(await RefusalsOfAsync(user));
        Assert.Contains("RequireTwoFactorForAll", refusal.Details);

        // A factor without confirmed recovery codes is not a finished set-up: still refused, saying why.
        await EnrolAsync(user, Factor.Totp, confirm: false);
        await AssertRefusedAsync(await UploadVersionAsync(token, name, "1.0"), "recovery codes");
        await Server.WithDbAsync(db => db.RecoveryCodeSets.Where(s => s.UserId == user.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.ConfirmedAt, DateTimeOffset.UtcNow)));

        // The same token works now: the check runs at upload time, on the account as it is.
        await AssertOkAsync(await UploadVersionAsync(token, name, "1.0"));
    }

    [Fact]
    public async Task Automation_accounts_upload_without_2FA()
    {
        var token = await Server.CreateTokenAsync("bot" + Guid.NewGuid().ToString("N")[..8]);
        await AssertOkAsync(await UploadVersionAsync(token, UniqueName("auto"), "1.0"));
    }

    [Fact]
    public async Task Token_creation_is_refused_without_2FA_on_the_token_page()
    {
        var (user, browser) = await SignedInUserAsync("tok");
        var form = await browser.GetAsync("/account/tokens/new");
        var refused = await browser.SubmitAsync(form, "#token-form", [Field("Name", "ci"), Field("Scope", "user")]);
        Assert.Contains("two-factor authentication required for all users", refused.Get("#form-errors").TextContent);
        Assert.Null(refused.Find("#new-token"));
        Assert.Equal(0, await Server.WithDbAsync(db => db.ApiTokens.CountAsync(t => t.UserId == user.Id)));

        await EnrolAsync(user, Factor.Totp);
        var created = await browser.SubmitAsync(await browser.GetAsync("/account/tokens/new"), "#token-form", [Field("Name", "ci"), Field("Scope", "user")]);
        Assert.StartsWith("bulwark_", created.Get("#new-token").GetAttribute("value"));
        // Minted in a password(+TOTP) session: not phishing-resistant issuance.
        Assert.False(await Server.WithDbAsync(db => db.ApiTokens.Where(t => t.UserId == user.Id).Select(t => t.IssuedPhishingResistant).SingleAsync()));
    }

    [Fact]
    public async Task Managing_a_project_without_2FA_is_refused_with_a_page_that_names_the_rule()
    {
        var (user, browser) = await SignedInUserAsync("mgr");
        var name = await ProjectWithRoleAsync(user);

        foreach (var path in new[] { $"/manage/project/{name}/", $"/manage/project/{name}/collaborators", $"/manage/project/{name}/settings" })
        {
            var refused = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.Equal(nameof(MandateRule.RequireTwoFactorForAll), refused.Get("#mandate-refused").GetAttribute("data-rule"));
            Assert.Contains("two-factor authentication required for all users", refused.Get("#mandate-message").TextContent);
            Assert.Equal("/account/security", refused.Get("#mandate-comply").GetAttribute("href"));
        }

        await EnrolAsync(user, Factor.Totp);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/manage/project/{name}/")).Status);
    }

    [Fact]
    public async Task Phishing_resistant_only_refuses_a_TOTP_session_and_TOTP_tokens_and_accepts_a_security_key()
    {
        var (user, browser) = await SignedInUserAsync("pr");
        await EnrolAsync(user, Factor.Totp);
        await SessionMethodAsync(user, AuthMethod.PasswordAndTotp);
        var name = await ProjectWithRoleAsync(user);
        var totpToken = await WebTokenAsync(user, phishingResistantSession: false, name);
        await SetPhishingResistantOnlyAsync(name);

        var refused = await browser.GetAsync($"/manage/project/{name}/");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(nameof(MandateRule.PhishingResistantOnly), refused.Get("#mandate-refused").GetAttribute("data-rule"));
        Assert.Contains("relayed", refused.Get("#mandate-message").TextContent);
        Assert.Contains("Add a security key or passkey", refused.Get("#mandate-message").TextContent);

        var tokenPage = await browser.SubmitAsync(await browser.GetAsync("/account/tokens/new"), "#token-form",
            [Field("Name", "ci"), Field("Scope", "projects"), Field("Projects", ProjectName.Normalize(name))]);
        Assert.Contains("phishing-resistant only", tokenPage.Get("#form-errors").TextContent);

        // A token made in a TOTP session, before or after the switch, does not publish to the project.
        await AssertRefusedAsync(await UploadVersionAsync(totpToken, name, "2.0"), "phishing-resistant only", "create a new token");

        await EnrolAsync(user, Factor.SecurityKey);
        await SessionMethodAsync(user, AuthMethod.PasswordAndWebAuthn);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/manage/project/{name}/")).Status);
        var created = await browser.SubmitAsync(await browser.GetAsync("/account/tokens/new"), "#token-form",
            [Field("Name", "ci2"), Field("Scope", "projects"), Field("Projects", ProjectName.Normalize(name))]);
        var keyToken = created.Get("#new-token").GetAttribute("value")!;
        await AssertOkAsync(await UploadVersionAsync(keyToken, name, "2.0"));
    }

    [Fact]
    public async Task Owners_switch_phishing_resistant_only_in_settings_only_with_a_key_of_their_own()
    {
        var (user, browser) = await SignedInUserAsync("set");
        await EnrolAsync(user, Factor.Totp);
        var name = await ProjectWithRoleAsync(user);

        var settings = await browser.GetAsync($"/manage/project/{name}/settings");
        Assert.Equal("false", settings.Get("#phishing-resistant-state").GetAttribute("data-on"));
        var noKey = await browser.SubmitAsync(settings, "#phishing-resistant-form");
        Assert.Contains("Add a security key or passkey", noKey.Get(".flash-error").TextContent);
        Assert.False(await Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).Select(p => p.RequirePhishingResistant).SingleAsync()));

        await EnrolAsync(user, Factor.SecurityKey);
        var on = await browser.SubmitAsync(await browser.GetAsync($"/manage/project/{name}/settings"), "#phishing-resistant-form");
        Assert.Contains("Phishing-resistant only is on", on.Get(".flash").TextContent);
        Assert.True(await Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).Select(p => p.RequirePhishingResistant).SingleAsync()));
        Assert.Contains(await AuditAsync(e => e.UserId == user.Id), e => e.Type == AuditEventType.PhishingResistantOnlyChanged);
        // The switch applies at once: this password session may no longer manage the project.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync($"/manage/project/{name}/settings")).Status);
    }

    [Fact]
    public async Task Admin_area_refuses_a_session_without_WebAuthn()
    {
        var (admin, browser) = await SignedInUserAsync("adm", admin: true);
        await EnrolAsync(admin, Factor.Totp);
        await SessionMethodAsync(admin, AuthMethod.PasswordAndTotp);
        foreach (var path in new[] { "/admin/", "/admin/critical" })
        {
            var refused = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.Equal(nameof(MandateRule.AdminPhishingResistant), refused.Get("#mandate-refused").GetAttribute("data-rule"));
            Assert.Contains("security key or passkey", refused.Get("#mandate-message").TextContent);
        }
        await SessionMethodAsync(admin, AuthMethod.Passkey);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/critical")).Status);
    }

    [Fact]
    public async Task The_last_factor_cannot_be_removed_while_the_site_rule_requires_one()
    {
        var user = await CreateUserAsync("last");
        await EnrolAsync(user, Factor.Totp);
        var (required, outcome) = await Server.WithScopeAsync(async sp =>
        {
            var requirement = sp.GetRequiredService<ITwoFactorRequirement>();
            var needs = await requirement.RequiresFactorAsync(user);
            var result = await sp.GetRequiredService<FactorRemoval>().RemoveTotpAsync(user, needs, new Actor("test", "test"));
            return (needs, result.Outcome);
        });
        Assert.True(required);
        Assert.Equal(FactorRemovalOutcome.LastFactorRequired, outcome);

        var bot = await Server.WithScopeAsync(async sp =>
            (await sp.GetRequiredService<UserService>().CreateAsync("bot" + Guid.NewGuid().ToString("N")[..8], Guid.NewGuid().ToString("N")[..8] + "@example.com", null, false, true, new Actor("test", "test"))).Value);
        Assert.False(await Server.WithScopeAsync(sp => sp.GetRequiredService<ITwoFactorRequirement>().RequiresFactorAsync(bot)));
    }

    [Fact]
    public async Task Maintainers_are_e_mailed_when_their_project_becomes_critical_with_what_to_do_and_by_when()
    {
        var user = await CreateUserAsync("mail");
        await EnrolAsync(user, Factor.Totp);
        var name = await ProjectWithRoleAsync(user, ProjectRoleKind.Maintainer);
        await Server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<CriticalProjectAdmin>().AddAsync(name, "test", Actor.Cli("project critical add"));
            return await sp.GetRequiredService<CriticalRecompute>().RunAsync(Actor.Cli("project critical recompute"));
        });
        var mail = await PickupMail.WaitForAsync(Server, user.Email, $"{name} is now a critical project");
        var deadline = await Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).Select(p => p.CriticalEnforceAfter).SingleAsync());
        Assert.Contains("two-factor authentication", mail.TextBody);
        Assert.Contains($"This applies from {deadline!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC", mail.TextBody);
        Assert.Contains("http://localhost/account/security", mail.TextBody);
        Assert.Contains("Your role: Maintainer", mail.TextBody);
    }
}

/// <summary>The critical-project rule on its own (<c>RequireTwoFactorForAll</c> off, as an operator may choose).</summary>
public abstract class CriticalMandateTests<TServer>(TServer server) : MandateTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Critical_project_uploads_are_warned_in_the_grace_period_refused_after_it_and_allowed_with_2FA()
    {
        var user = await CreateUserAsync("crit");
        var name = await ProjectWithRoleAsync(user, ProjectRoleKind.Maintainer);
        var token = await Server.CreateTokenAsync(user.Username);
        await AssertOkAsync(await UploadVersionAsync(token, name, "1.1"));

        await MarkCriticalAsync(name, TimeSpan.FromDays(10));
        var warned = await AssertOkAsync(await UploadVersionAsync(token, name, "1.2"));
        Assert.Contains($"Warning: '{name}' is a critical project: from ", warned);

        await MarkCriticalAsync(name, TimeSpan.FromDays(-1));
        await AssertRefusedAsync(await UploadVersionAsync(token, name, "1.3"), $"'{name}' is a critical project", "rule: critical projects, enforced since", "/account/security");
        Assert.Contains("CriticalProject", Assert.Single(await RefusalsOfAsync(user)).Details);

        await EnrolAsync(user, Factor.SecurityKey);
        await AssertOkAsync(await UploadVersionAsync(token, name, "1.3"));
    }

    [Fact]
    public async Task Critical_project_refuses_token_creation_and_management_without_2FA_and_banners_the_grace_period()
    {
        var (user, browser) = await SignedInUserAsync("critweb");
        var name = await ProjectWithRoleAsync(user);
        await MarkCriticalAsync(name, TimeSpan.FromDays(10));
        var banner = await browser.GetAsync($"/manage/project/{name}/");
        Assert.Equal(HttpStatusCode.OK, banner.Status);
        Assert.Contains("is a critical project", banner.Get("#mandate-warnings").TextContent);

        await MarkCriticalAsync(name, TimeSpan.FromDays(-1));
        var refused = await browser.GetAsync($"/manage/project/{name}/");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(nameof(MandateRule.CriticalProject), refused.Get("#mandate-refused").GetAttribute("data-rule"));

        // A user-wide token could upload to the critical project, so it is refused too.
        var tokenPage = await browser.SubmitAsync(await browser.GetAsync("/account/tokens/new"), "#token-form", [Field("Name", "ci"), Field("Scope", "user")]);
        Assert.Contains($"'{name}' is a critical project", tokenPage.Get("#form-errors").TextContent);

        // The project page shows the badge.
        Assert.NotNull((await browser.GetAsync($"/project/{name}/")).Find("#critical-badge"));

        // And the maintainer now has to keep a factor.
        Assert.True(await Server.WithScopeAsync(sp => sp.GetRequiredService<ITwoFactorRequirement>().RequiresFactorAsync(user)));
    }
}

public sealed class SiteMandateTestsSqlite(MandateSqliteServer server) : SiteMandateTests<MandateSqliteServer>(server), IClassFixture<MandateSqliteServer>;

public sealed class SiteMandateTestsPostgres(MandatePostgresServer server) : SiteMandateTests<MandatePostgresServer>(server), IClassFixture<MandatePostgresServer>;

public sealed class CriticalMandateTestsSqlite(SqliteServer server) : CriticalMandateTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class CriticalMandateTestsPostgres(PostgresServer server) : CriticalMandateTests<PostgresServer>(server), IClassFixture<PostgresServer>;

/// <summary>The critical-project notice over real SMTP (aiosmtpd on loopback): text and HTML parts, deadline and links.</summary>
public sealed class CriticalNoticeSmtpTests(Bulwark.Tests.Accounts.SmtpMailServer server) : IClassFixture<Bulwark.Tests.Accounts.SmtpMailServer>
{
    [Fact]
    public async Task The_notice_reaches_each_maintainer_over_smtp_with_the_deadline_and_the_security_page()
    {
        var name = "smtpcrit-" + Guid.NewGuid().ToString("N")[..8];
        var username = "m" + Guid.NewGuid().ToString("N")[..8];
        var email = $"{username}@example.com";
        var token = await server.CreateTokenAsync("bot" + Guid.NewGuid().ToString("N")[..8]);
        var client = server.CreateClient();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = UploadForm.For(new TestDistributions.Spec(name, "1.0")).ToContent() })
        {
            request.Headers.Authorization = UploadForm.TokenAuth(token);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }
        await server.WithScopeAsync(async sp =>
        {
            var user = (await sp.GetRequiredService<UserService>().CreateAsync(username, email, "tundra velvet gossip 41", false, true, new Actor("test", "test"))).Value;
            var db = sp.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>();
            var id = await db.Projects.Where(p => p.Name == name).Select(p => p.Id).SingleAsync();
            db.ProjectRoles.Add(new ProjectRole { ProjectId = id, UserId = user.Id, Role = ProjectRoleKind.Owner, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            await sp.GetRequiredService<CriticalProjectAdmin>().AddAsync(name, "test", Actor.Cli("project critical add"));
            return await sp.GetRequiredService<CriticalRecompute>().RunAsync(Actor.Cli("project critical recompute"));
        });

        var mail = await server.Smtp.WaitForAsync(email, $"{name} is now a critical project");
        var deadline = await server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).Select(p => p.CriticalEnforceAfter).SingleAsync());
        var when = $"{deadline!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
        Assert.Contains($"This applies from {when}", mail.TextBody);
        Assert.Contains($"Enforced from: {when}", mail.TextBody);
        Assert.Contains("http://localhost/account/security", mail.TextBody);
        Assert.Contains("href=\"http://localhost/account/security\"", mail.HtmlBody);
        Assert.Contains($"http://localhost/project/{name}/", mail.TextBody);
    }
}
