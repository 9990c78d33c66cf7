using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Throttling;

namespace Bulwark.Core.Tests.Accounts;

public sealed class AuthThrottleTests : IDisposable
{
    private readonly AccountTestContext _ctx = new();
    private readonly AuthThrottle _throttle;

    public AuthThrottleTests() => _throttle = new AuthThrottle(_ctx.Db, new ThrottleOptions(), _ctx.Time);

    public void Dispose() => _ctx.Dispose();

    private async Task FailAsync(string login, string ip, int times, TimeSpan? every = null)
    {
        for (var i = 0; i < times; i++)
        {
            await _throttle.RecordLoginFailureAsync(login, ip);
            if (every is { } step) _ctx.Time.Advance(step);
        }
    }

    [Fact]
    public async Task Ten_failures_in_five_minutes_block_the_account_until_the_oldest_ages_out()
    {
        // One failure every 10 s from different networks, so only the account limit applies.
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await _throttle.CheckLoginAsync("alice", $"198.51.100.{i}")).Allowed);
            await _throttle.RecordLoginFailureAsync("alice", $"198.51.100.{i}");
            _ctx.Time.Advance(TimeSpan.FromSeconds(10));
        }
        var blocked = await _throttle.CheckLoginAsync("Alice ", "198.51.100.200");
        Assert.False(blocked.Allowed);
        Assert.Equal(ThrottleScope.Account, blocked.Scope);
        // First failure at t=0, now t=100 s: it leaves the window at t=300 s.
        Assert.Equal(200, blocked.RetryAfterSeconds);
        _ctx.Time.Advance(TimeSpan.FromSeconds(199));
        Assert.False((await _throttle.CheckLoginAsync("alice", "198.51.100.200")).Allowed);
        _ctx.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await _throttle.CheckLoginAsync("alice", "198.51.100.200")).Allowed);
    }

    [Fact]
    public async Task A_hundred_failures_an_hour_block_the_account_even_when_spread_out()
    {
        // Nine failures per 5 minutes stays under the short limit but reaches 100 within the hour.
        for (var i = 0; i < 100; i++)
        {
            await _throttle.RecordLoginFailureAsync("bob", $"198.51.100.{i % 250}");
            _ctx.Time.Advance(TimeSpan.FromSeconds(34));
        }
        var decision = await _throttle.CheckLoginAsync("bob", "203.0.113.99");
        Assert.False(decision.Allowed);
        Assert.Equal(ThrottleScope.Account, decision.Scope);
        Assert.Contains("100 per hour", decision.Limit);
    }

    [Fact]
    public async Task Ten_failures_from_one_network_block_it_for_every_account()
    {
        for (var i = 0; i < 10; i++) await FailAsync($"user{i}", "198.51.100.5", 1);
        var decision = await _throttle.CheckLoginAsync("someone-else", "198.51.100.5");
        Assert.False(decision.Allowed);
        Assert.Equal(ThrottleScope.Network, decision.Scope);
        Assert.True((await _throttle.CheckLoginAsync("someone-else", "198.51.100.6")).Allowed);
    }

    [Fact]
    public async Task IPv6_addresses_in_one_64_share_a_budget()
    {
        for (var i = 0; i < 10; i++) await FailAsync($"user{i}", $"2001:db8:1:2::{i + 1:x}", 1);
        Assert.False((await _throttle.CheckLoginAsync("other", "2001:db8:1:2:ffff::1")).Allowed);
        Assert.True((await _throttle.CheckLoginAsync("other", "2001:db8:1:3::1")).Allowed);
        Assert.Equal("2001:db8:1:2::/64", ClientNetwork.Of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        Assert.Equal("192.0.2.1", ClientNetwork.Of("::ffff:192.0.2.1"));
    }

    [Fact]
    public async Task Global_ceiling_applies_across_accounts_and_networks()
    {
        var throttle = new AuthThrottle(_ctx.Db, new ThrottleOptions { GlobalFailuresPer5Minutes = 5 }, _ctx.Time);
        for (var i = 0; i < 5; i++) await throttle.RecordLoginFailureAsync($"u{i}", $"198.51.100.{i}");
        var decision = await throttle.CheckLoginAsync("fresh", "203.0.113.1");
        Assert.False(decision.Allowed);
        Assert.Equal(ThrottleScope.Global, decision.Scope);
    }

    [Fact]
    public async Task Reset_requests_are_limited_per_account_per_day()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await _throttle.CheckPasswordResetAsync("carol@example.com", $"198.51.100.{i}")).Allowed);
            await _throttle.RecordPasswordResetAsync("carol@example.com", $"198.51.100.{i}");
            _ctx.Time.Advance(TimeSpan.FromHours(1));
        }
        var decision = await _throttle.CheckPasswordResetAsync("CAROL@example.com", "203.0.113.4");
        Assert.False(decision.Allowed);
        Assert.Equal(19 * 3600, decision.RetryAfterSeconds);
    }

    [Fact]
    public async Task Old_attempts_are_pruned_after_a_day()
    {
        await FailAsync("dave", "198.51.100.1", 3);
        _ctx.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await FailAsync("dave", "198.51.100.1", 1);
        await _throttle.PruneAsync();
        Assert.Single(_ctx.Db.AuthAttempts, a => a.AccountKey == "dave");
    }
    [Fact]
    public async Task Second_factor_failures_are_limited_to_five_per_five_minutes_and_twenty_an_hour_per_account()
    {
        // Four failures every 5 minutes, each from another network: under the short limit, but the hour fills up.
        for (var i = 0; i < 20; i++)
        {
            var ip = $"203.0.113.{i}";
            Assert.True((await _throttle.CheckSecondFactorAsync(42, ip)).Allowed, $"attempt {i + 1}");
            await _throttle.RecordSecondFactorFailureAsync(42, ip);
            _ctx.Time.Advance(i % 4 == 3 ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(1));
        }
        var blocked = await _throttle.CheckSecondFactorAsync(42, "203.0.113.99");
        Assert.False(blocked.Allowed);
        Assert.Equal(ThrottleScope.Account, blocked.Scope);
        Assert.Contains("20 per hour", blocked.Limit);
        // Another account is not affected, and password failures are a separate budget.
        Assert.True((await _throttle.CheckSecondFactorAsync(43, "203.0.113.99")).Allowed);
        Assert.True((await _throttle.CheckLoginAsync("user42", "203.0.113.99")).Allowed);

        // Five quick failures block a fresh account at once.
        for (var i = 0; i < 5; i++) await _throttle.RecordSecondFactorFailureAsync(44, $"198.51.100.{i}");
        var quick = await _throttle.CheckSecondFactorAsync(44, "198.51.100.99");
        Assert.False(quick.Allowed);
        Assert.Contains("5 per 5 minutes", quick.Limit);
    }

    [Fact]
    public async Task Second_factor_failures_are_limited_to_ten_per_five_minutes_per_network()
    {
        for (var i = 0; i < 10; i++) await _throttle.RecordSecondFactorFailureAsync(100 + i, "192.0.2.7");
        var blocked = await _throttle.CheckSecondFactorAsync(200, "192.0.2.7");
        Assert.False(blocked.Allowed);
        Assert.Equal(ThrottleScope.Network, blocked.Scope);
        // Passkey sign-ins, where no account is known yet, are counted by network too.
        Assert.False((await _throttle.CheckSecondFactorAsync(null, "192.0.2.7")).Allowed);
        Assert.True((await _throttle.CheckSecondFactorAsync(null, "192.0.2.8")).Allowed);
    }
}
