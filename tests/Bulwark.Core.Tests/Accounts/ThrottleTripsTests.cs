using Bulwark.Core.Accounts.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Core.Tests.Accounts;

public sealed class ThrottleTripsTests
{
    [Fact]
    public void A_trip_is_recorded_when_it_starts_and_again_every_five_minutes_while_it_lasts()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var trips = new ThrottleTrips(time);
        Assert.True(trips.ShouldRecord("network", "198.51.100.1"));
        for (var i = 0; i < 1000; i++) Assert.False(trips.ShouldRecord("network", "198.51.100.1"));
        // Other keys and other limits are trips of their own.
        Assert.True(trips.ShouldRecord("network", "198.51.100.2"));
        Assert.True(trips.ShouldRecord("proof", "198.51.100.1"));

        time.Advance(ThrottleTrips.Interval - TimeSpan.FromSeconds(1));
        Assert.False(trips.ShouldRecord("network", "198.51.100.1"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(trips.ShouldRecord("network", "198.51.100.1"));
        Assert.False(trips.ShouldRecord("network", "198.51.100.1"));
    }
}
