using System.Net;
using System.Net.Http.Headers;
using Bulwark.Core.Downloads;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.Index;

public abstract class DownloadCountTests<TServer>(TServer server) where TServer : BulwarkServer
{
    private readonly HttpClient _client = server.CreateRawClient();

    [Fact]
    public async Task Full_downloads_are_counted_per_file_and_day()
    {
        var files = await server.SeedAsync(new ReleaseSeed("count-me", "1.0") { Sdist = true });
        var wheel = files.Single(f => f.Filename.EndsWith(".whl"));
        var sdist = files.Single(f => f.Filename.EndsWith(".tar.gz"));
        var flusher = server.Services.GetRequiredService<DownloadCountFlusher>();
        await flusher.FlushAsync();

        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(wheel.UrlPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(wheel.UrlPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(sdist.UrlPath)).StatusCode);
        // None of these is a download: metadata, HEAD, a range, a revalidation.
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(wheel.UrlPath + ".metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, wheel.UrlPath))).StatusCode);
        var range = new HttpRequestMessage(HttpMethod.Get, wheel.UrlPath);
        range.Headers.Range = new RangeHeaderValue(0, 9);
        Assert.Equal(HttpStatusCode.PartialContent, (await _client.SendAsync(range)).StatusCode);
        var conditional = new HttpRequestMessage(HttpMethod.Get, wheel.UrlPath);
        conditional.IfNoneMatch($"\"{wheel.Sha256}\"");
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(conditional)).StatusCode);

        // The background flusher may already have written some of these; what matters is what is stored.
        await flusher.FlushAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var projectId = await server.WithDbAsync(db => db.Projects.Where(p => p.NormalizedName == "count-me").Select(p => p.Id).SingleAsync());
        var rows = await server.WithDbAsync(db => db.DownloadCounts.Where(d => d.ProjectId == projectId).ToListAsync());
        Assert.Equal(2, rows.Single(r => r.FileId == wheel.Id).Count);
        Assert.Equal(1, rows.Single(r => r.FileId == sdist.Id).Count);
        Assert.All(rows, r => Assert.Equal(today, r.Day));

        // A later flush adds to the same row instead of replacing it.
        await _client.GetAsync(wheel.UrlPath);
        await flusher.FlushAsync();
        Assert.Equal(3, await server.WithDbAsync(db => db.DownloadCounts.Where(d => d.FileId == wheel.Id).Select(d => d.Count).SingleAsync()));
    }

    [Fact]
    public async Task Batches_upsert_on_the_database_across_days_and_repeated_writes()
    {
        var wheel = (await server.SeedAsync(new ReleaseSeed("count-days", "1.0"))).Single();
        var projectId = await server.WithDbAsync(db => db.Projects.Where(p => p.NormalizedName == "count-days").Select(p => p.Id).SingleAsync());
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 31, 23, 59, 0, TimeSpan.Zero));
        var counter = new DownloadCounter(clock);

        counter.Record(wheel.Id, projectId);
        counter.Record(wheel.Id, projectId);
        clock.Advance(TimeSpan.FromMinutes(2));
        counter.Record(wheel.Id, projectId);
        await WriteAsync(counter.TakePending());
        counter.Record(wheel.Id, projectId);
        await WriteAsync(counter.TakePending());

        var rows = await server.WithDbAsync(db => db.DownloadCounts.Where(d => d.FileId == wheel.Id).OrderBy(d => d.Day).ToListAsync());
        Assert.Equal([new DateOnly(2025, 1, 31), new DateOnly(2025, 2, 1)], rows.Select(r => r.Day));
        Assert.Equal([2L, 2L], rows.Select(r => r.Count));
        Assert.All(rows, r => Assert.Equal(projectId, r.ProjectId));
    }

    [Fact]
    public async Task Many_counters_are_written_in_chunks()
    {
        var counter = new DownloadCounter(TimeProvider.System);
        // Rows for file ids that do not exist are fine: counts have no foreign key, so a file removed
        // between the download and the flush does not make the flush fail.
        for (var i = 0; i < 600; i++) counter.Record(9_000_000 + i, 9_000_000);
        await WriteAsync(counter.TakePending());
        var total = await server.WithDbAsync(db => db.DownloadCounts.Where(d => d.ProjectId == 9_000_000).SumAsync(d => d.Count));
        Assert.Equal(600, total);
    }

    private Task WriteAsync(IReadOnlyList<DownloadCount> batch) =>
        server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<DownloadCountWriter>().WriteAsync(batch);
            return 0;
        });
}

public sealed class DownloadCountTestsSqlite(SqliteServer server) : DownloadCountTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class DownloadCountTestsPostgres(PostgresServer server) : DownloadCountTests<PostgresServer>(server), IClassFixture<PostgresServer>;
