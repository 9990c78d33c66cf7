using System.Collections.Concurrent;
using Bulwark.Core.Downloads;
using Bulwark.Core.Packaging;
using Bulwark.Core.Policies;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Sdk;

namespace Bulwark.Tests.Policies;

/// <summary>Keeps every notice instead of sending it.</summary>
public sealed class RecordingNotifier : ICriticalProjectNotifier
{
    public ConcurrentQueue<CriticalProjectNotice> Notices { get; } = new();
    public bool Fail { get; set; }

    public Task NotifyAsync(CriticalProjectNotice notice, CancellationToken ct = default)
    {
        if (Fail) throw new InvalidOperationException("mail is down");
        Notices.Enqueue(notice);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A server with a database of its own per test (the cohort is global, so tests cannot share one), the
/// schedule off, 10 % instead of 1 % so that twenty projects make a cohort of two, a recording notifier, and
/// the periodic journal poll slowed to ten minutes.
/// </summary>
public sealed class CriticalTestServer(DatabaseKind database, TimeProvider? clock = null) : BulwarkServer(database), IAsyncDisposable
{
    public static readonly TimeSpan Grace = TimeSpan.FromDays(30);

    public RecordingNotifier Notifier { get; } = new();

    public static async Task<CriticalTestServer> StartAsync(DatabaseKind database, TimeProvider? clock = null)
    {
        var server = new CriticalTestServer(database, clock);
        await server.InitializeAsync();
        return server;
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Bulwark:Policy:CriticalTopPercent", "10"),
        new("Bulwark:Policy:CriticalWindowDays", "180"),
        new("Bulwark:Policy:CriticalMinDownloads", "1"),
        new("Bulwark:Policy:CriticalGracePeriod", "30.00:00:00"),
        new("Bulwark:Policy:CriticalRecomputeInterval", "00:00:00"),
        // Ten minutes between journal polls: a mark must reach the JSON API through the change feed (in this
        // process) or the change signal (admin verbs), never by a poll that happened to run in between.
        new("Bulwark:Index:JournalPollInterval", "00:10:00"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ICriticalProjectNotifier>(Notifier);
            if (clock is not null) services.AddSingleton(clock);
        });
    }

    /// <summary>The settings an admin verb needs to reach this server's database.</summary>
    public IReadOnlyDictionary<string, string?> CliSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Bulwark:DataDirectory"] = DataDirectory,
                ["Bulwark:Database"] = Database.ToString(),
            };
            foreach (var (k, v) in Settings) settings[k] = v;
            var cs = Services.GetRequiredService<IConfiguration>().GetConnectionString("Bulwark");
            if (!string.IsNullOrEmpty(cs)) settings["ConnectionStrings:Bulwark"] = cs;
            return settings;
        }
    }

    /// <summary>
    /// Project rows without releases (enough to be counted), named <paramref name="prefix"/>0, 1, ..., the i-th
    /// with <paramref name="downloads"/>(i) downloads on the day <paramref name="day"/>(i).
    /// </summary>
    public Task<int> AddProjectsAsync(string prefix, int count, Func<int, DateOnly> day, Func<int, long> downloads) =>
        WithDbAsync(async db =>
        {
            var projects = Enumerable.Range(0, count).Select(i => new Project
            {
                Name = prefix + i, NormalizedName = ProjectName.Normalize(prefix + i), UltranormalizedName = ProjectName.Ultranormalize(prefix + i), CreatedAt = DateTimeOffset.UnixEpoch,
            }).ToList();
            db.Projects.AddRange(projects);
            await db.SaveChangesAsync();
            db.DownloadCounts.AddRange(projects.Select((p, i) => new DownloadCount { FileId = Interlocked.Increment(ref _nextFileId), Day = day(i), ProjectId = p.Id, Count = downloads(i) }));
            await db.SaveChangesAsync();
            return count;
        });

    public Task<long> AddDownloadsAsync(string name, params (DateOnly Day, long Count)[] downloads) =>
        WithDbAsync(async db =>
        {
            var normalized = ProjectName.Normalize(name);
            var id = await db.Projects.Where(p => p.NormalizedName == normalized).Select(p => p.Id).SingleAsync();
            await AddDownloadsAsync(db, id, downloads);
            return id;
        });

    private static int _nextFileId = 50_000_000;

    private static async Task AddDownloadsAsync(Bulwark.Core.Data.BulwarkDbContext db, long projectId, (DateOnly Day, long Count)[] downloads)
    {
        // Counts need no file row (there is no foreign key); a fresh synthetic file id per row keeps keys unique.
        db.DownloadCounts.AddRange(downloads.Select(d => new DownloadCount { FileId = Interlocked.Increment(ref _nextFileId), Day = d.Day, ProjectId = projectId, Count = d.Count }));
        await db.SaveChangesAsync();
    }

    public Task<Project> ProjectAsync(string name) =>
        WithDbAsync(db => db.Projects.AsNoTracking().SingleAsync(p => p.NormalizedName == ProjectName.Normalize(name)));

    public Task<CriticalRecomputeResult> RecomputeAsync() =>
        WithScopeAsync(sp => sp.GetRequiredService<CriticalRecompute>().RunAsync(new Bulwark.Core.Audit.Actor("test", "test")));

    public async Task<bool> JsonCriticalAsync(string name)
    {
        var response = await CreateClient().GetAsync($"/pypi/{ProjectName.Normalize(name)}/json");
        if (!response.IsSuccessStatusCode) throw new XunitException($"/pypi/{name}/json answered {(int)response.StatusCode}");
        return (await response.ReadJsonAsync()).GetProperty("info").GetProperty("critical").GetBoolean();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await ((IAsyncLifetime)this).DisposeAsync();
}
