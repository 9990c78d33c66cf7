using Bulwark.Core.Audit;
using Bulwark.Core.Moderation.Typosquats;
using Bulwark.Core.Packaging;
using Bulwark.Core.Policies;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.Policies;

public abstract class CriticalRecomputeTests(DatabaseKind database)
{
    // A fixed clock: the window is 2025-09-16 .. 2026-03-14, today (2026-03-15) is out.
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly DateOnly FirstDay = Today.AddDays(-180);

    /// <summary>
    /// Twenty projects downloaded in the window (10 % = 2): "top" and "edge" lead, "edge" only on the
    /// window's first day. "today" and "before" have far more downloads, but only today and only the day
    /// before the window, so they are not even counted.
    /// </summary>
    private static async Task SeedAsync(CriticalTestServer server)
    {
        await server.SeedAsync(new ReleaseSeed("crit-top", "1.0"));
        await server.SeedAsync(new ReleaseSeed("crit-edge", "1.0"));
        await server.SeedAsync(new ReleaseSeed("crit-today", "1.0"));
        await server.SeedAsync(new ReleaseSeed("crit-before", "1.0"));
        await server.AddRoleAsync("crit-top", "crit-owner", ProjectRoleKind.Owner);
        await server.AddRoleAsync("crit-top", "crit-helper", ProjectRoleKind.Maintainer);
        await server.AddDownloadsAsync("crit-top", (Today.AddDays(-1), 600), (Today.AddDays(-90), 400));
        await server.AddDownloadsAsync("crit-edge", (FirstDay, 900));
        await server.AddDownloadsAsync("crit-today", (Today, 100_000));
        await server.AddDownloadsAsync("crit-before", (FirstDay.AddDays(-1), 100_000));
        await server.AddProjectsAsync("crit-bg-", 18, i => Today.AddDays(-1 - i), i => 10 + i);
    }

    [Fact]
    public async Task Recompute_marks_the_top_projects_at_once_in_the_json_api_and_only_once()
    {
        var clock = new FakeTimeProvider(Now);
        await using var server = await CriticalTestServer.StartAsync(database, clock);
        await SeedAsync(server);
        Assert.False(await server.JsonCriticalAsync("crit-top")); // also puts the page in the cache
        var journalBefore = await server.WithDbAsync(db => db.Journal.CountAsync());

        var first = await server.RecomputeAsync();
        Assert.Equal(new DownloadWindow(FirstDay, Today), first.Window);
        Assert.Equal((20, 2, 900L), (first.Population, first.TargetSize, first.CutOff!.Value));
        Assert.Equal(["crit-edge", "crit-top"], first.Marked.Select(m => m.Name).Order());
        Assert.Equal(2, first.Notified);

        // The cached page was rendered before the mark; the journal entry moved the serial, so it renders again.
        Assert.True(await server.JsonCriticalAsync("crit-top"));
        Assert.True(await server.JsonCriticalAsync("crit-edge"));
        Assert.False(await server.JsonCriticalAsync("crit-today"));
        Assert.False(await server.JsonCriticalAsync("crit-before"));

        var top = await server.ProjectAsync("crit-top");
        Assert.Equal(Now, top.CriticalSince);
        Assert.Equal(Now + CriticalTestServer.Grace, top.CriticalEnforceAfter);
        Assert.InRange(top.CriticalNotifiedAt!.Value, Now, Now.AddSeconds(1)); // the claim token adds random microseconds
        var journal = await server.WithDbAsync(db => db.Journal.Where(j => j.Action == CriticalMarks.MarkAction).Select(j => j.ProjectName).ToListAsync());
        Assert.Equal(["crit-edge", "crit-top"], journal.Order());
        // Two marks, and one entry that tells every instance to rebuild the typosquat check's protected set.
        Assert.Equal(journalBefore + 3, await server.WithDbAsync(db => db.Journal.CountAsync()));
        Assert.Equal(1, await server.WithDbAsync(db => db.Journal.CountAsync(j => j.ProjectName == ServerProtectedNames.ChangeMarker && j.Action == ServerProtectedNames.CriticalSetChanged)));
        var audits = await server.WithDbAsync(db => db.AuditEvents.Where(a => a.Type == AuditEventType.ProjectBecameCritical).ToListAsync());
        Assert.Equal([top.Id], audits.Where(a => a.Details!.Contains("\"downloads\":1000")).Select(a => a.ProjectId!.Value));
        Assert.Equal(2, audits.Count);

        var notice = Assert.Single(server.Notifier.Notices, n => n.ProjectName == "crit-top");
        Assert.Equal(["crit-owner", "crit-helper"], notice.Recipients.Select(r => r.Username));
        Assert.Equal(Now + CriticalTestServer.Grace, notice.EnforceAfter);
        Assert.Empty(Assert.Single(server.Notifier.Notices, n => n.ProjectName == "crit-edge").Recipients);

        // Idempotent: the same counts on the same day change nothing.
        clock.Advance(TimeSpan.FromHours(5));
        var second = await server.RecomputeAsync();
        Assert.Empty(second.Marked);
        Assert.Equal(0, second.Notified);
        Assert.Equal(2, second.AlreadyCritical);
        Assert.Equal(journalBefore + 3, await server.WithDbAsync(db => db.Journal.CountAsync()));
        Assert.Equal(2, await server.WithDbAsync(db => db.AuditEvents.CountAsync(a => a.Type == AuditEventType.ProjectBecameCritical)));
        Assert.Equal(2, server.Notifier.Notices.Count);
        Assert.Equal(Now, (await server.ProjectAsync("crit-top")).CriticalSince);
    }

    [Fact]
    public async Task Critical_projects_stay_critical_when_their_downloads_fall_away()
    {
        var clock = new FakeTimeProvider(Now);
        await using var server = await CriticalTestServer.StartAsync(database, clock);
        await SeedAsync(server);
        await server.RecomputeAsync();

        // 200 days later every seeded count is out of the window; two new projects lead.
        clock.Advance(TimeSpan.FromDays(200));
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await server.AddProjectsAsync("crit-new-", 20, i => today.AddDays(-1 - i), i => i switch { 0 => 50, 1 => 40, _ => 1 });
        var later = await server.RecomputeAsync();

        Assert.Equal(["crit-new-0", "crit-new-1"], later.Marked.Select(m => m.Name).Order());
        Assert.Equal(Now, (await server.ProjectAsync("crit-top")).CriticalSince);
        Assert.True(await server.JsonCriticalAsync("crit-top"));
        Assert.True(await server.JsonCriticalAsync("crit-edge"));
    }

    [Fact]
    public async Task Concurrent_recomputes_mark_each_project_once()
    {
        await using var server = await CriticalTestServer.StartAsync(database, new FakeTimeProvider(Now));
        await SeedAsync(server);
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(server.RecomputeAsync)));

        Assert.Equal(2, results.Sum(r => r.Marked.Count));
        Assert.Equal(2, await server.WithDbAsync(db => db.Journal.CountAsync(j => j.Action == CriticalMarks.MarkAction)));
        Assert.Equal(2, await server.WithDbAsync(db => db.AuditEvents.CountAsync(a => a.Type == AuditEventType.ProjectBecameCritical)));
        Assert.Equal(2, server.Notifier.Notices.Count);
    }

    [Fact]
    public async Task A_failed_notice_is_sent_by_the_next_run()
    {
        var clock = new FakeTimeProvider(Now);
        await using var server = await CriticalTestServer.StartAsync(database, clock);
        await SeedAsync(server);
        server.Notifier.Fail = true;
        var first = await server.RecomputeAsync();
        Assert.Equal(2, first.Marked.Count);
        Assert.Equal(0, first.Notified);
        Assert.Null((await server.ProjectAsync("crit-top")).CriticalNotifiedAt);

        server.Notifier.Fail = false;
        clock.Advance(TimeSpan.FromHours(6));
        var second = await server.RecomputeAsync();
        Assert.Empty(second.Marked);
        Assert.Equal(2, second.Notified);
        Assert.InRange((await server.ProjectAsync("crit-top")).CriticalNotifiedAt!.Value, clock.GetUtcNow(), clock.GetUtcNow().AddSeconds(1));
        // The deadline is the one set when the project became critical, not moved by the late notice.
        Assert.Equal(Now + CriticalTestServer.Grace, Assert.Single(server.Notifier.Notices, n => n.ProjectName == "crit-top").EnforceAfter);
    }

    [Fact]
    public async Task The_schedule_runs_shortly_after_start_and_then_every_interval()
    {
        var clock = new FakeTimeProvider(Now);
        await using var server = await CriticalTestServer.StartAsync(database, clock);
        await SeedAsync(server);
        var options = Microsoft.Extensions.Options.Options.Create(new CriticalProjectOptions
        {
            CriticalTopPercent = 10,
            CriticalRecomputeInterval = TimeSpan.FromHours(24),
            CriticalRecomputeFirstRunDelay = TimeSpan.FromMinutes(1),
        });
        using var scheduler = new CriticalRecomputeScheduler(server.Services.GetRequiredService<IServiceScopeFactory>(), options, clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<CriticalRecomputeScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            clock.Advance(TimeSpan.FromSeconds(59));
            await Task.Delay(200);
            Assert.Equal(0, scheduler.CompletedRuns);
            clock.Advance(TimeSpan.FromSeconds(1));
            await WaitForAsync(() => scheduler.CompletedRuns == 1);
            Assert.NotNull((await server.ProjectAsync("crit-top")).CriticalSince);

            // A project that qualifies later is picked up by the next daily run.
            await server.AddDownloadsAsync("crit-bg-0", (Today, 5000));
            clock.Advance(TimeSpan.FromHours(24));
            await WaitForAsync(() => scheduler.CompletedRuns == 2);
            Assert.Equal(Now.AddMinutes(1).AddHours(24), (await server.ProjectAsync("crit-bg-0")).CriticalSince);
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("The scheduled recompute did not run within 30 s.");
            await Task.Delay(20);
        }
    }
}

public sealed class CriticalRecomputeTestsSqlite() : CriticalRecomputeTests(DatabaseKind.Sqlite);

public sealed class CriticalRecomputeTestsPostgres() : CriticalRecomputeTests(DatabaseKind.Postgres);
