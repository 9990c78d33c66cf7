using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Accounts;

/// <summary>Helpers for account-flow tests: unique names, actors on their own networks, flows in fresh scopes.</summary>
public abstract class AccountFlowTestBase<TServer>(TServer server) where TServer : BulwarkServer
{
    private static int _network;

    protected TServer Server { get; } = server;
    protected const string GoodPassword = "tundra velvet gossip 41";
    protected const string OtherGoodPassword = "marble otter lantern 77";

    protected static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Each call gets its own IPv6 /64, so per-network limits of one test never touch another.</summary>
    protected static Actor NewActor() => new($"2001:db8:{Interlocked.Increment(ref _network):x}::1", "integration-test/1.0");

    protected Task<T> Flow<T, TFlow>(Func<TFlow, Task<T>> body) where TFlow : notnull =>
        Server.WithScopeAsync(sp => body(sp.GetRequiredService<TFlow>()));

    protected Task<T> Db<T>(Func<BulwarkDbContext, Task<T>> body) => Server.WithDbAsync(body);

    protected Task<User> LoadUserAsync(string username) =>
        Db(db => db.Users.AsNoTracking().SingleAsync(u => u.NormalizedUsername == username.ToLowerInvariant()));

    /// <summary>Registers and verifies through the real flows and e-mails; returns the username.</summary>
    protected async Task<(string Username, string Email)> RegisterVerifiedAsync(string? password = null)
    {
        var username = Unique("user");
        var email = $"{username}@example.com";
        var result = await Flow<Outcome<string>, Registration>(r => r.RegisterAsync(username, email, password ?? GoodPassword, NewActor()));
        Assert.True(result.Succeeded, result.Said());
        var mail = await PickupMail.WaitForAsync(Server, email, "Verify your e-mail address");
        var verified = await Flow<Outcome<string>, EmailVerification>(v => v.VerifyAsync(PickupMail.TokenFrom(mail, AccountLinks.VerifyEmailPath), NewActor()));
        Assert.True(verified.Succeeded, verified.Said());
        return (username, email);
    }

    protected Task<SignInResult> SignInAsync(string username, string password, Actor? actor = null) =>
        Flow<SignInResult, PasswordSignIn>(s => s.SignInAsync(username, password, actor ?? NewActor()));

    protected Task<SessionValidation> ValidateAsync(string sessionId) =>
        Flow<SessionValidation, SessionService>(s => s.ValidateAsync(sessionId));

    protected Task<List<AuditEventType>> EventsAsync(long userId) =>
        Db(db => db.AuditEvents.AsNoTracking().Where(e => e.UserId == userId).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync());

    protected static string OldHash(string password) => new PasswordHasher(new Argon2Settings(MemoryKiB: 8 * 1024, Passes: 1)).Hash(password);
}
