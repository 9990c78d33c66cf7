using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Accounts;

public abstract class TokenGateAndHistoryTests<TServer>(TServer server) : AccountFlowTestBase<TServer>(server) where TServer : BulwarkServer
{
    private Task<Outcome<CreatedToken>> CreateTokenAsync(string username, Actor actor) =>
        Server.WithScopeAsync(async sp =>
        {
            var user = await sp.GetRequiredService<UserService>().FindByUsernameAsync(username);
            return await sp.GetRequiredService<ApiTokenCreation>().CreateAsync(user!, "ci", ["demo-project"], null, actor);
        });

    [Fact]
    public async Task An_unverified_account_cannot_create_tokens_and_is_told_what_to_do()
    {
        var username = Unique("unverified");
        var email = $"{username}@example.com";
        Assert.True((await Flow<Outcome<string>, Registration>(r => r.RegisterAsync(username, email, GoodPassword, NewActor()))).Succeeded);
        var user = await LoadUserAsync(username);
        var permission = AccountStanding.CanCreateTokens(user);
        Assert.False(permission.Allowed);
        Assert.Contains("Verify your e-mail address", permission.Message);
        Assert.Contains(email, permission.Message);
        Assert.False(AccountStanding.CanUpload(user).Allowed);

        var refused = await CreateTokenAsync(username, NewActor());
        Assert.Equal(RefusalKind.Forbidden, refused.Refusal?.Kind);
        Assert.False(refused.Succeeded);
        Assert.DoesNotContain(AuditEventType.TokenCreated, await EventsAsync(user.Id));
    }

    [Fact]
    public async Task A_verified_account_creates_a_token_and_the_owner_is_mailed()
    {
        var (username, email) = await RegisterVerifiedAsync();
        var actor = NewActor();
        var created = await CreateTokenAsync(username, actor);
        Assert.True(created.TryGetValue(out var token, out var refusal), refusal?.Message);
        Assert.StartsWith("bulwark_", token.Token);
        var mail = await PickupMail.WaitForAsync(Server, email, "API token \"ci\" created");
        Assert.Contains("demo-project", mail.TextBody);
        Assert.Contains(actor.IpAddress!, mail.TextBody);
        Assert.DoesNotContain(token.Token, mail.TextBody);
        Assert.DoesNotContain(token.Token, mail.HtmlBody);
    }

    [Fact]
    public async Task Security_history_lists_the_accounts_events_newest_first_in_pages()
    {
        var (username, _) = await RegisterVerifiedAsync();
        var actor = NewActor();
        await SignInAsync(username, OtherGoodPassword, actor);
        await SignInAsync(username, GoodPassword, actor);
        var userId = (await LoadUserAsync(username)).Id;

        var first = await Server.WithScopeAsync(sp => sp.GetRequiredService<SecurityHistory>().GetAsync(userId, page: 1, pageSize: 3));
        Assert.Equal(3, first.Events.Count);
        Assert.True(first.HasMore);
        Assert.Equal(AuditEventType.LoginSuccess, first.Events[0].Type);
        Assert.Equal(AuditEventType.LoginFailure, first.Events[1].Type);
        Assert.Equal(actor.IpAddress, first.Events[0].IpAddress);
        Assert.Equal("integration-test/1.0", first.Events[0].UserAgent);
        Assert.True(first.Events.Zip(first.Events.Skip(1)).All(p => p.First.OccurredAt >= p.Second.OccurredAt));

        var second = await Server.WithScopeAsync(sp => sp.GetRequiredService<SecurityHistory>().GetAsync(userId, page: 2, pageSize: 3));
        Assert.False(second.HasMore);
        Assert.Contains(second.Events, e => e.Type == AuditEventType.UserRegistered);
        Assert.Empty(first.Events.Select(e => e.Id).Intersect(second.Events.Select(e => e.Id)));
        Assert.All(first.Events.Concat(second.Events), e => Assert.Equal(userId, e.UserId));
    }
}

public sealed class TokenGateAndHistoryTestsSqlite(SqliteServer server) : TokenGateAndHistoryTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class TokenGateAndHistoryTestsPostgres(PostgresServer server) : TokenGateAndHistoryTests<PostgresServer>(server), IClassFixture<PostgresServer>;
