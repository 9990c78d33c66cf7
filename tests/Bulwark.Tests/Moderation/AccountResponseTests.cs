using System.Net;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Moderation;

/// <summary>Accounts under attack: the freeze and unfreeze verbs, the compromise-window review, and what a restore tells the owner.</summary>
public abstract class AccountResponseTests<TServer>(TServer server) : ModerationTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task A_freeze_ends_sessions_refuses_tokens_and_sign_in_and_mails_the_owner_and_an_unfreeze_gives_them_back()
    {
        var (owner, browser) = await SignedInUserAsync("frz");
        var token = await Server.CreateTokenAsync(owner.Username);
        var name = UniqueName("frz");
        await UploadAsync(owner.Username, new TestDistributions.Spec(name, "1.0"), token: token);

        var noReason = await CliAsync("user", "freeze", owner.Username, "--reason", " ");
        Assert.Equal(1, noReason.Exit);
        Assert.Contains("A reason is required", noReason.Err);
        var frozen = await CliAsync("user", "freeze", owner.Username, "--reason", "token leaked in a CI log");
        Assert.True(frozen.Exit == 0, frozen.Err);
        Assert.Contains("session(s) ended", frozen.Out);
        Assert.Equal(1, (await CliAsync("user", "freeze", owner.Username, "--reason", "again")).Exit);
        Assert.Equal(1, (await CliAsync("user", "freeze", "nobody-" + Guid.NewGuid().ToString("N")[..6], "--reason", "x")).Exit);

        // The signed-in browser is signed out at once.
        Assert.NotNull((await browser.GetAsync("/account/")).Find("#login-form"));
        // The token is refused with a 403 that names the freeze and whom to contact.
        var refused = await TryUploadAsync(token, new TestDistributions.Spec(name, "1.1"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("frozen", refused.ReasonPhrase);
        Assert.Contains("Contact the index administrators", refused.ReasonPhrase);
        // Sign-in is refused with the same advice.
        var fresh = NewBrowser();
        var signIn = await fresh.SubmitAsync(await fresh.GetAsync("/account/login"), "#login-form", [Field("Username", owner.Username), Field("Password", Password)]);
        Assert.Contains("frozen", signIn.Get("#form-errors").TextContent);
        var mail = await PickupMail.WaitForAsync(Server, owner.Email, "Your account was frozen by the administrators");
        Assert.Contains("token leaked in a CI log", mail.TextBody);

        var unfrozen = await CliAsync("user", "unfreeze", owner.Username);
        Assert.True(unfrozen.Exit == 0, unfrozen.Err);
        Assert.Equal(1, (await CliAsync("user", "unfreeze", owner.Username)).Exit);
        Assert.Equal(HttpStatusCode.OK, (await TryUploadAsync(token, new TestDistributions.Spec(name, "1.1"))).StatusCode);
        var events = await AuditAsync(e => e.UserId == owner.Id);
        Assert.Contains(events, e => e.Type == AuditEventType.AccountFrozenByAdmin && e.Details!.Contains("token leaked in a CI log"));
        Assert.Contains(events, e => e.Type == AuditEventType.AccountUnfrozen);
    }

    [Fact]
    public async Task The_activity_review_lists_the_window_oldest_first_with_each_upload_and_its_token_and_the_restore_mail_repeats_it()
    {
        var owner = await CreateUserAsync("act");
        var before = await Server.CreateTokenAsync(owner.Username);
        var name = UniqueName("act");
        await UploadAsync(owner.Username, new TestDistributions.Spec(name, "1.0"), token: before);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        var stolen = await Server.CreateTokenAsync(owner.Username);
        await UploadAsync(owner.Username, new TestDistributions.Spec(name, "1.1"), token: stolen);
        var stolenId = await Server.WithDbAsync(db => db.ApiTokens.Where(t => t.UserId == owner.Id).OrderBy(t => t.CreatedAt).Select(t => t.Id).ToListAsync());

        var bad = await CliAsync("user", "activity", owner.Username, "--since", "last tuesday");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("is not an ISO 8601 time", bad.Err);
        var run = await CliAsync("user", "activity", owner.Username, "--since", since.ToString("O"), "--json");
        Assert.True(run.Exit == 0, run.Err);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var times = lines.Select(l => DateTimeOffset.Parse(l.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(times, t => Assert.True(t >= since.AddMilliseconds(-1)));
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "token_created" && l.GetProperty("token_id").GetString() == stolenId[1].ToString());
        var uploads = lines.Where(l => l.GetProperty("type").GetString() == "upload").ToList();
        var upload = Assert.Single(uploads);
        Assert.Equal(name, upload.GetProperty("project").GetString());
        Assert.Equal("1.1", upload.GetProperty("version").GetString());
        Assert.Contains("-1.1-", upload.GetProperty("filename").GetString());
        Assert.Equal(stolenId[1].ToString(), upload.GetProperty("token_id").GetString());
        Assert.True(upload.TryGetProperty("ip", out _), "every line carries the client address (null when the server saw none)");
        var text = await CliAsync("user", "activity", owner.Username, "--since", since.ToString("O"));
        Assert.Contains($"token {stolenId[1]}", text.Out);

        Assert.Equal(0, (await CliAsync("user", "freeze", owner.Username, "--reason", "phished")).Exit);
        var restored = await CliAsync("user", "restore", owner.Username, "--since", since.ToString("O"));
        Assert.True(restored.Exit == 0, restored.Err);
        Assert.Contains("second factor(s) and the recovery codes removed", restored.Out);
        var mail = await PickupMail.WaitForAsync(Server, owner.Email, "Your account was restored");
        Assert.Contains(upload.GetProperty("filename").GetString()!, mail.TextBody);
        Assert.DoesNotContain("-1.0-", mail.TextBody);
    }
}

public sealed class AccountResponseTestsSqlite(SqliteServer s) : AccountResponseTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class AccountResponseTestsPostgres(PostgresServer s) : AccountResponseTests<PostgresServer>(s), IClassFixture<PostgresServer>;
