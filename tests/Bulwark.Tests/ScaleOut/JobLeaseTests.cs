using Bulwark.Core.Data;
using Bulwark.Core.ScaleOut;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.ScaleOut;

/// <summary>A scheduled job claimed by several instances runs once per interval, whichever claims first.</summary>
public abstract class JobLeaseTests(BulwarkServer server)
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(24);

    [Fact]
    public async Task Of_instances_due_at_about_the_same_time_one_runs_the_job_per_interval()
    {
        var job = "test-job-" + Guid.NewGuid().ToString("N")[..8];
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 3, 0, 0, TimeSpan.Zero));

        Assert.True(await ClaimAsync(job, time), "the first instance due runs it");
        Assert.False(await ClaimAsync(job, time), "a second instance due at the same moment does not");
        time.Advance(TimeSpan.FromHours(1));
        Assert.False(await ClaimAsync(job, time), "nor one whose timer fires an hour later");

        // A day later (less the timers' drift) it is due again, once.
        time.Advance(Interval * (1 - JobLeases.Tolerance) - TimeSpan.FromHours(1));
        Assert.True(await ClaimAsync(job, time));
        Assert.False(await ClaimAsync(job, time));
        Assert.Equal(JobLeases.Instance, await server.WithDbAsync(db => db.JobLeases.Where(l => l.Name == job).Select(l => l.Holder).SingleAsync()));
    }

    [Fact]
    public async Task Concurrent_claims_on_a_new_job_let_exactly_one_run()
    {
        var job = "race-job-" + Guid.NewGuid().ToString("N")[..8];
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 3, 0, 0, TimeSpan.Zero));
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ClaimAsync(job, time)));
        Assert.Single(claims, c => c);
    }

    private Task<bool> ClaimAsync(string job, TimeProvider time) =>
        server.WithScopeAsync(sp => new JobLeases(sp.GetRequiredService<BulwarkDbContext>(), time).TryClaimAsync(job, Interval));
}

public sealed class JobLeaseTestsSqlite(SqliteServer s) : JobLeaseTests(s), IClassFixture<SqliteServer>;

public sealed class JobLeaseTestsPostgres(PostgresServer s) : JobLeaseTests(s), IClassFixture<PostgresServer>;
