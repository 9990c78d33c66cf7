using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Devices;

namespace Bulwark.Core.Tests.Accounts;

public sealed class KnownDeviceFilterTests : IDisposable
{
    private readonly AccountTestContext _ctx = new();

    public void Dispose() => _ctx.Dispose();

    private void AddRow(long userId, byte[] hash)
    {
        _ctx.Db.KnownDevices.Add(new KnownDevice { UserId = userId, CookieHash = hash, FirstSeenAt = _ctx.Time.GetUtcNow(), LastSeenAt = _ctx.Time.GetUtcNow() });
        _ctx.Db.SaveChanges();
    }

    [Fact]
    public async Task Only_hashes_of_known_browsers_pass_and_rows_from_elsewhere_arrive_with_the_next_refresh()
    {
        var user = _ctx.AddUser();
        var (_, known) = OpaqueSecret.Create();
        var (_, stranger) = OpaqueSecret.Create();
        AddRow(user.Id, known);
        var filter = new KnownDeviceFilter(_ctx.Time);
        Assert.True(await filter.MayBeKnownAsync(_ctx.Db, known));
        Assert.False(await filter.MayBeKnownAsync(_ctx.Db, stranger));

        // A row written by another instance shows once the refresh interval has passed.
        var (_, later) = OpaqueSecret.Create();
        AddRow(user.Id, later);
        Assert.False(await filter.MayBeKnownAsync(_ctx.Db, later));
        _ctx.Time.Advance(KnownDeviceFilter.RefreshEvery);
        Assert.True(await filter.MayBeKnownAsync(_ctx.Db, later));

        // One this process remembers counts at once.
        var (_, mine) = OpaqueSecret.Create();
        filter.Add(mine);
        Assert.True(await filter.MayBeKnownAsync(_ctx.Db, mine));
    }

    [Fact]
    public async Task A_browser_another_instance_confirmed_is_recognised_at_its_first_miss_after_a_quarter_second()
    {
        // Two instances on one database: each has its own filter.
        var user = _ctx.AddUser();
        var here = new KnownDeviceFilter(_ctx.Time);
        var (_, stranger) = OpaqueSecret.Create();
        Assert.False(await here.MayBeKnownAsync(_ctx.Db, stranger));

        var elsewhere = new KnownDevices(_ctx.Db, new KnownDeviceFilter(_ctx.Time), _ctx.Time);
        var (cookie, hash) = OpaqueSecret.Create();
        await elsewhere.RememberAsync(user.Id, cookie, "198.51.100.1", "unit-test");

        // Within the quarter second a flood of misses is answered from memory alone...
        Assert.False(await here.MayBeKnownAsync(_ctx.Db, hash));
        // ...after it, the miss reads what is new, long before the periodic refresh.
        _ctx.Time.Advance(KnownDeviceFilter.MissRefreshEvery);
        Assert.True(KnownDeviceFilter.MissRefreshEvery < KnownDeviceFilter.RefreshEvery);
        Assert.True(await here.MayBeKnownAsync(_ctx.Db, hash));
        Assert.False(await here.MayBeKnownAsync(_ctx.Db, stranger));
    }

    [Fact]
    public async Task The_known_devices_service_finds_the_account_only_for_its_own_browser_and_name()
    {
        var alice = _ctx.AddUser("alice");
        _ctx.AddUser("bob");
        var devices = new KnownDevices(_ctx.Db, new KnownDeviceFilter(_ctx.Time), _ctx.Time);
        var (cookie, _) = OpaqueSecret.Create();
        await devices.RememberAsync(alice.Id, cookie, "198.51.100.1", "unit-test");
        Assert.Equal(alice.Id, (await devices.AccountKnowingAsync("Alice", cookie))?.Id);
        Assert.Null(await devices.AccountKnowingAsync("bob", cookie));
        Assert.Null(await devices.AccountKnowingAsync("alice", OpaqueSecret.Create().Secret));
        Assert.Null(await devices.AccountKnowingAsync("alice", null));
        _ctx.Time.Advance(KnownDevices.Lifetime);
        Assert.Null(await devices.AccountKnowingAsync("alice", cookie));
    }
}
