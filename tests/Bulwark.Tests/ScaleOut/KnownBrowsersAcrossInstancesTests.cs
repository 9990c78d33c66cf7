using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.ScaleOut;

/// <summary>
/// The in-memory known-browser filter of one instance learns of browsers other instances confirmed, also when
/// PostgreSQL makes their rows visible out of id order (a lower id committed after a higher one was read).
/// </summary>
public sealed class KnownBrowsersAcrossInstancesTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task A_device_row_committed_after_a_later_one_is_not_missed()
    {
        var userId = await server.WithScopeAsync(async sp =>
            (await sp.GetRequiredService<UserService>().CreateAsync("late-device", "late-device@example.com", null, false, true, new Actor("test", "test"))).Value.Id);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var filter = new KnownDeviceFilter(time);
        await using var reader = await OutsideWriter.OpenAsync(server);
        Assert.False(await filter.MayBeKnownAsync(reader.Db, OpaqueSecret.Create().Hash));

        // Instance 1 inserts a row (its id is taken now) and commits only later; instance 2 inserts and commits
        // a row with the next id meanwhile.
        await using var slow = await OutsideWriter.OpenAsync(server);
        await using var tx = await slow.Db.Database.BeginTransactionAsync();
        var (_, late) = OpaqueSecret.Create();
        slow.Db.KnownDevices.Add(Device(userId, late));
        await slow.Db.SaveChangesAsync();
        var (_, early) = OpaqueSecret.Create();
        await using (var fast = await OutsideWriter.OpenAsync(server))
        {
            fast.Db.KnownDevices.Add(Device(userId, early));
            await fast.Db.SaveChangesAsync();
        }

        time.Advance(KnownDeviceFilter.RefreshEvery);
        Assert.True(await filter.MayBeKnownAsync(reader.Db, early));
        Assert.False(await filter.MayBeKnownAsync(reader.Db, late));

        await tx.CommitAsync();
        time.Advance(KnownDeviceFilter.RefreshEvery);
        Assert.True(await filter.MayBeKnownAsync(reader.Db, late), "a row that became visible below the highest id read must still be found");
    }

    private static KnownDevice Device(long userId, byte[] hash) =>
        new() { UserId = userId, CookieHash = hash, FirstSeenAt = DateTimeOffset.UtcNow, LastSeenAt = DateTimeOffset.UtcNow };
}
