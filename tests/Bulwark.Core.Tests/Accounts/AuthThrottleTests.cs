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
            Assert.False((await _throttle.CheckLoginLimitsAsync("alice", $"198.51.100.{i}")).AccountTripped);
            await _throttle.RecordLoginFailureAsync("alice", $"198.51.100.{i}");
            _ctx.Time.Advance(TimeSpan.FromSeconds(10));
        }
        var limits = await _throttle.CheckLoginLimitsAsync("Alice ", "198.51.100.200");
        Assert.True(limits.AccountTripped);
        Assert.True(limits.Network.Allowed);
        Assert.False(limits.IndexTripped);
        Assert.Equal(ThrottleScope.Account, limits.Account.Scope);
        // First failure at t=0, now t=100 s: it leaves the window at t=300 s.
        Assert.Equal(200, limits.Account.RetryAfterSeconds);
        _ctx.Time.Advance(TimeSpan.FromSeconds(199));
        Assert.True((await _throttle.CheckLoginLimitsAsync("alice", "198.51.100.200")).AccountTripped);
        _ctx.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False((await _throttle.CheckLoginLimitsAsync("alice", "198.51.100.200")).AccountTripped);
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
        var decision = (await _throttle.CheckLoginLimitsAsync("bob", "203.0.113.99")).Account;
        Assert.False(decision.Allowed);
        Assert.Equal(ThrottleScope.Account, decision.Scope);
        Assert.Contains("100 per hour", decision.Limit);
    }

    [Fact]
    public async Task Ten_failures_from_one_network_block_it_for_every_account()
    {
        for (var i = 0; i < 10; i++) await FailAsync($"user{i}", "198.51.100.5", 1);
        var limits = await _throttle.CheckLoginLimitsAsync("someone-else", "198.51.100.5");
        Assert.False(limits.Network.Allowed);
        Assert.Equal(ThrottleScope.Network, limits.Network.Scope);
        // The network limit is the only one that refuses, and only that network.
        Assert.False(limits.AccountTripped);
        Assert.False(limits.IndexTripped);
        Assert.True((await _throttle.CheckLoginLimitsAsync("someone-else", "198.51.100.6")).Network.Allowed);
    }

    [Fact]
    public async Task IPv6_addresses_in_one_64_share_a_budget()
    {
        for (var i = 0; i < 10; i++) await FailAsync($"user{i}", $"2001:db8:1:2::{i + 1:x}", 1);
        Assert.False((await _throttle.CheckLoginLimitsAsync("other", "2001:db8:1:2:ffff::1")).Network.Allowed);
        Assert.True((await _throttle.CheckLoginLimitsAsync("other", "2001:db8:1:3::1")).Network.Allowed);
        Assert.Equal("2001:db8:1:2::/64", ClientNetwork.Of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        Assert.Equal("192.0.2.1", ClientNetwork.Of("::ffff:192.0.2.1"));
    }

    [Fact]
    public async Task Global_ceiling_applies_across_accounts_and_networks()
    {
        var throttle = new AuthThrottle(_ctx.Db, new ThrottleOptions { GlobalFailuresPer5Minutes = 5 }, _ctx.Time);
        for (var i = 0; i < 4; i++) await throttle.RecordLoginFailureAsync($"u{i}", $"198.51.100.{i}");
        var under = await throttle.CheckLoginLimitsAsync("fresh", "203.0.113.1");
        Assert.False(under.IndexTripped);
        Assert.Equal(0, under.ExtraBits);

        await throttle.RecordLoginFailureAsync("u4", "198.51.100.4");
        var limits = await throttle.CheckLoginLimitsAsync("fresh", "203.0.113.1");
        Assert.True(limits.IndexTripped);
        Assert.Equal(ThrottleScope.Global, limits.Index.Scope);
        Assert.False(limits.AccountTripped);
        Assert.True(limits.Network.Allowed);
        Assert.Equal(1, limits.ExtraBits);

        // The proof gets harder as the attack goes on: one more bit for each doubling past the limit.
        for (var i = 5; i < 20; i++) await throttle.RecordLoginFailureAsync($"u{i}", $"198.51.100.{i}");
        Assert.Equal(3, (await throttle.CheckLoginLimitsAsync("fresh", "203.0.113.1")).ExtraBits);
        // ...up to a ceiling, so that slow phones can still sign in.
        for (var i = 20; i < 200; i++) await throttle.RecordLoginFailureAsync($"u{i}", $"198.51.100.{i}");
        Assert.Equal(AuthThrottle.MaxExtraBits, (await throttle.CheckLoginLimitsAsync("fresh", "203.0.113.1")).ExtraBits);
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
        Assert.False((await _throttle.CheckLoginLimitsAsync("user42", "203.0.113.99")).AccountTripped);

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

    private const string DeviceCookie = "t39nV4E5AH_K3MkbxRFkOefim5aGrBKD23l08dCJHsk";
    private const string OtherDeviceCookie = "MS3MfEd5jTRkiUlFNZ2cxPq4exOibN17ZZBJiC9F0tY";

    [Fact]
    public async Task A_known_browser_has_a_budget_of_its_own_that_account_and_index_floods_do_not_touch()
    {
        // The account and the index are far past their limits.
        var throttle = new AuthThrottle(_ctx.Db, new ThrottleOptions { GlobalFailuresPer5Minutes = 50 }, _ctx.Time);
        for (var i = 0; i < 200; i++) await throttle.RecordLoginFailureAsync("carol", $"198.51.100.{i % 200}");
        var limits = await throttle.CheckLoginLimitsAsync("carol", "203.0.113.5");
        Assert.True(limits.AccountTripped);
        Assert.True(limits.IndexTripped);
        Assert.True((await throttle.CheckKnownDeviceAsync(7, DeviceCookie)).Allowed);

        // Its own failures count for it, for the account and for the index.
        for (var i = 0; i < 10; i++) await throttle.RecordKnownDeviceFailureAsync("carol", 7, DeviceCookie, "203.0.113.5");
        var spent = await throttle.CheckKnownDeviceAsync(7, DeviceCookie);
        Assert.False(spent.Allowed);
        Assert.Equal(ThrottleScope.Device, spent.Scope);
        Assert.Contains("10 per 5 minutes", spent.Limit);
        Assert.Equal(210, _ctx.Db.AuthAttempts.Count(a => a.Kind == AuthAttemptKind.LoginFailure));
        // Another browser of the account, and the same browser for another account, keep theirs.
        Assert.True((await throttle.CheckKnownDeviceAsync(7, OtherDeviceCookie)).Allowed);
        Assert.True((await throttle.CheckKnownDeviceAsync(8, DeviceCookie)).Allowed);
        // The device's key does not carry the known-device table's hash of the cookie.
        var stored = OpaqueSecret.Hash(DeviceCookie)!;
        Assert.DoesNotContain(_ctx.Db.AuthAttempts.Where(a => a.Kind == AuthAttemptKind.KnownDeviceFailure).Select(a => a.AccountKey).ToList(),
            k => k.Contains(Convert.ToHexStringLower(stored)[..16]));
    }

    [Fact]
    public async Task A_known_browser_gets_twenty_failures_a_day()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await _throttle.CheckKnownDeviceAsync(9, DeviceCookie)).Allowed, $"failure {i + 1}");
            await _throttle.RecordKnownDeviceFailureAsync("dora", 9, DeviceCookie, "203.0.113.6");
            _ctx.Time.Advance(TimeSpan.FromMinutes(30));
        }
        var spent = await _throttle.CheckKnownDeviceAsync(9, DeviceCookie);
        Assert.False(spent.Allowed);
        Assert.Contains("20 per day", spent.Limit);
        // The first failure (ten hours ago) leaves the day's window in fourteen hours.
        Assert.Equal(14 * 3600, spent.RetryAfterSeconds);
        _ctx.Time.Advance(TimeSpan.FromHours(14));
        Assert.True((await _throttle.CheckKnownDeviceAsync(9, DeviceCookie)).Allowed);
    }

    [Fact]
    public async Task A_session_confirming_its_password_has_its_own_budget_while_the_account_is_flooded()
    {
        for (var i = 0; i < 150; i++) await _throttle.RecordLoginFailureAsync("erin", $"198.51.100.{i % 200}");
        Assert.True((await _throttle.CheckLoginLimitsAsync("erin", "203.0.113.9")).AccountTripped);
        Assert.True((await _throttle.CheckSessionPasswordAsync(31)).Allowed);

        for (var i = 0; i < 10; i++) await _throttle.RecordSessionPasswordFailureAsync("erin", 31, "203.0.113.9");
        var spent = await _throttle.CheckSessionPasswordAsync(31);
        Assert.False(spent.Allowed);
        Assert.Equal(ThrottleScope.Session, spent.Scope);
        Assert.True((await _throttle.CheckSessionPasswordAsync(32)).Allowed);
        // The session's wrong passwords are failed sign-ins of the account as well.
        Assert.Equal(160, _ctx.Db.AuthAttempts.Count(a => a.Kind == AuthAttemptKind.LoginFailure && a.AccountKey == "erin"));
    }
}
