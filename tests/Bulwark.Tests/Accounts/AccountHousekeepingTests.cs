using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.Accounts;

/// <summary>The account tables are pruned by <see cref="AccountHousekeeping"/> on its own clock, not by requests.</summary>
public abstract class AccountHousekeepingTests(DatabaseKind database)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Actor = new("203.0.113.9", "housekeeping test");

    private sealed class ClockedServer(DatabaseKind database, FakeTimeProvider clock) : BulwarkServer(database)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        }
    }

    [Fact]
    public async Task A_second_instance_does_not_repeat_a_run_that_another_one_claimed()
    {
        var clock = new FakeTimeProvider(Start);
        var server = new ClockedServer(database, clock);
        await ((IAsyncLifetime)server).InitializeAsync();
        try
        {
            var housekeeping = server.Services.GetRequiredService<AccountHousekeeping>();
            await WaitForSweepAsync(housekeeping, 0); // the pass at start claimed both runs
            // Another process on the same database: its own service, its own memory, the same lease rows.
            var other = new AccountHousekeeping(server.Services.GetRequiredService<IServiceScopeFactory>(), clock,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<AccountHousekeeping>.Instance);
            Assert.Equal(new HousekeepingSweep(null, null, null), await other.SweepAsync());
        }
        finally
        {
            await ((IAsyncLifetime)server).DisposeAsync();
        }
    }

    [Fact]
    public async Task Old_attempts_sessions_and_links_are_deleted_on_the_services_schedule_and_recent_ones_kept()
    {
        var clock = new FakeTimeProvider(Start);
        var server = new ClockedServer(database, clock);
        await ((IAsyncLifetime)server).InitializeAsync();
        try
        {
            var housekeeping = server.Services.GetRequiredService<AccountHousekeeping>();
            await WaitForSweepAsync(housekeeping, 0); // the pass at start

            var (oldSession, oldLink) = await SeedAsync(server, "hk-old");
            Assert.NotEqual(0, await server.WithDbAsync(db => db.AuthAttempts.CountAsync()));

            // A day and a minute later the attempt is outside every throttle window; the session and link are
            // within their retention.
            var before = housekeeping.CompletedSweeps;
            clock.Advance(TimeSpan.FromDays(1) + AccountHousekeeping.AttemptInterval);
            await WaitForSweepAsync(housekeeping, before);
            Assert.Equal(0, await server.WithDbAsync(db => db.AuthAttempts.CountAsync()));
            Assert.True(await server.WithDbAsync(db => db.UserSessions.AnyAsync(s => s.Id == oldSession)));
            Assert.True(await server.WithDbAsync(db => db.AccountTokens.AnyAsync(t => t.Id == oldLink)));

            // Past the 30-day retention of the session (12 h lifetime) and the link (24 h), while a new pair stays.
            var (newSession, newLink) = await SeedAsync(server, "hk-new");
            before = housekeeping.CompletedSweeps;
            clock.Advance(TimeSpan.FromDays(30) + AccountHousekeeping.RetentionInterval);
            await WaitForSweepAsync(housekeeping, before);
            var sessions = await server.WithDbAsync(db => db.UserSessions.Select(s => s.Id).ToListAsync());
            var links = await server.WithDbAsync(db => db.AccountTokens.Select(t => t.Id).ToListAsync());
            Assert.DoesNotContain(oldSession, sessions);
            Assert.DoesNotContain(oldLink, links);
            Assert.Contains(newSession, sessions);
            Assert.Contains(newLink, links);
            Assert.Equal(0, await server.WithDbAsync(db => db.AuthAttempts.CountAsync()));
        }
        finally
        {
            await ((IAsyncLifetime)server).DisposeAsync();
        }
    }

    [Fact]
    public async Task Sessions_and_links_wait_for_the_hourly_pass_while_attempts_go_every_minute()
    {
        var clock = new FakeTimeProvider(Start);
        var server = new ClockedServer(database, clock);
        await ((IAsyncLifetime)server).InitializeAsync();
        try
        {
            var housekeeping = server.Services.GetRequiredService<AccountHousekeeping>();
            await WaitForSweepAsync(housekeeping, 0);
            var first = await housekeeping.SweepAsync();
            Assert.Null(first.Sessions); // the pass at start did them less than an hour ago
            Assert.Null(first.AccountTokens);
            var before = housekeeping.CompletedSweeps;
            clock.Advance(AccountHousekeeping.RetentionInterval);
            await WaitForSweepAsync(housekeeping, before);
            var due = await housekeeping.SweepAsync();
            Assert.Null(due.Sessions); // the timer's pass at the hour took it
            // The next hour: the schedule runs the retention work again. One Advance can wake the timer more than
            // once, so the test checks the claim the run left in the database rather than one pass's return value.
            before = housekeeping.CompletedSweeps;
            clock.Advance(AccountHousekeeping.RetentionInterval + TimeSpan.FromSeconds(1));
            await WaitForSweepAsync(housekeeping, before);
            var retention = await server.WithDbAsync(db => db.JobLeases.AsNoTracking().SingleAsync(l => l.Name == AccountHousekeeping.RetentionJob));
            Assert.Equal(clock.GetUtcNow(), retention.LastRunAt);
            Assert.Null((await housekeeping.SweepAsync()).Sessions); // and nothing repeats it within the hour
        }
        finally
        {
            await ((IAsyncLifetime)server).DisposeAsync();
        }
    }

    /// <summary>A user with one failed sign-in, one session and one unused e-mail link, all made now.</summary>
    private static Task<(long Session, long Link)> SeedAsync(BulwarkServer server, string username) =>
        server.WithScopeAsync(async sp =>
        {
            var created = await sp.GetRequiredService<UserService>().CreateAsync(username, $"{username}@example.com", null, false, false, Actor);
            var user = created.Value;
            await sp.GetRequiredService<AuthThrottle>().RecordLoginFailureAsync(username, Actor.IpAddress);
            var session = await sp.GetRequiredService<SessionService>().CreateAsync(user, AuthMethod.Password, false, Actor);
            var link = await sp.GetRequiredService<AccountTokenService>().IssueAsync(user, AccountTokenPurpose.VerifyEmail, user.Email);
            await sp.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>().SaveChangesAsync();
            return (session.Session.Id, link.Token.Id);
        });

    /// <summary>Waits for the service's timer to run a pass after <paramref name="before"/> passes.</summary>
    private static async Task WaitForSweepAsync(AccountHousekeeping housekeeping, int before)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (housekeeping.CompletedSweeps <= before) await Task.Delay(10, timeout.Token);
    }
}

public sealed class AccountHousekeepingTestsSqlite() : AccountHousekeepingTests(DatabaseKind.Sqlite);

public sealed class AccountHousekeepingTestsPostgres() : AccountHousekeepingTests(DatabaseKind.Postgres);
