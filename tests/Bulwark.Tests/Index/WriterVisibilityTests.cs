using Bulwark.Cli;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Index;

/// <summary>
/// A server whose periodic journal poll is ten minutes apart, so no test here can pass by the poll happening
/// to run between a write and the request that checks it: a change must be seen through the mechanism under
/// test (the in-process change feed, or the change signal in the data directory), or not at all.
/// </summary>
public abstract class SlowPollServer(DatabaseKind database) : BulwarkServer(database)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Bulwark:Index:JournalPollInterval", "00:10:00")];

    /// <summary>What an admin verb needs to reach this server's database and data directory.</summary>
    public IReadOnlyDictionary<string, string?> CliSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Bulwark:DataDirectory"] = DataDirectory,
                ["Bulwark:Database"] = Database.ToString(),
            };
            var cs = Services.GetRequiredService<IConfiguration>().GetConnectionString("Bulwark");
            if (!string.IsNullOrEmpty(cs)) settings["ConnectionStrings:Bulwark"] = cs;
            return settings;
        }
    }
}

public sealed class SlowPollSqliteServer() : SlowPollServer(DatabaseKind.Sqlite);

public sealed class SlowPollPostgresServer() : SlowPollServer(DatabaseKind.Postgres);

/// <summary>
/// Every way of writing the journal makes the change visible to the next request, without waiting for a poll:
/// single and bulk appends, statements that bypass the change tracker (named to the index writer), and admin verbs (another host on the
/// same data directory). Each test caches what it expects to change first.
/// </summary>
public abstract class WriterVisibilityTests<TServer>(TServer server) where TServer : SlowPollServer
{
    private readonly HttpClient _client = server.CreateRawClient();

    [Fact]
    public async Task A_yank_by_the_admin_verb_is_seen_by_the_next_request()
    {
        await server.SeedAsync(new ReleaseSeed("verb-yank", "1.0"));
        Assert.DoesNotContain("data-yanked", await Page("verb-yank"));
        Assert.False(await JsonYanked("verb-yank"));

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(["project", "yank", "verb-yank", "1.0", "--reason", "broken build"], stdout, stderr, settings: server.CliSettings);
        Assert.True(exit == 0, stderr.ToString());

        Assert.Contains("data-yanked=\"broken build\"", await Page("verb-yank"));
        Assert.True(await JsonYanked("verb-yank"));
    }

    [Fact]
    public async Task A_writer_that_neither_announces_nor_signals_is_seen_only_after_a_poll()
    {
        // The control for the other tests: without the feed or the signal, the cached page stays as it was
        // until the journal is read.
        await server.SeedAsync(new ReleaseSeed("silent-yank", "1.0"));
        Assert.DoesNotContain("data-yanked", await Page("silent-yank"));
        await using (var outside = await OutsideWriter.OpenAsync(server)) await outside.YankAsync("silent-yank", "1.0", "quietly");

        Assert.DoesNotContain("data-yanked", await Page("silent-yank"));
        await server.PollJournalAsync();
        Assert.Contains("data-yanked=\"quietly\"", await Page("silent-yank"));
    }

    [Fact]
    public async Task A_bulk_journal_append_is_seen_by_the_next_request()
    {
        string[] names = ["bulk-a", "bulk-b", "bulk-c"];
        foreach (var name in names)
        {
            await server.SeedAsync(new ReleaseSeed(name, "1.0"));
            Assert.DoesNotContain("data-yanked", await Page(name));
        }

        await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BulwarkDbContext>();
            var index = sp.GetRequiredService<IndexWriter>();
            await using var tx = await index.BeginAsync();
            var projects = await db.Projects.Where(p => names.Contains(p.NormalizedName)).OrderBy(p => p.Id).ToListAsync();
            foreach (var release in await db.Releases.Where(r => names.Contains(r.Project.NormalizedName)).ToListAsync())
            {
                release.Yanked = true;
                release.YankedReason = "bulk";
            }
            await index.AppendManyAsync(projects, "yank release");
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            return 0;
        });

        foreach (var name in names) Assert.Contains("data-yanked=\"bulk\"", await Page(name));
    }

    [Fact]
    public async Task A_journal_row_written_by_raw_sql_is_seen_by_the_next_request()
    {
        await server.SeedAsync(new ReleaseSeed("raw-sql-yank", "1.0"));
        Assert.DoesNotContain("data-yanked", await Page("raw-sql-yank"));

        await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BulwarkDbContext>();
            var index = sp.GetRequiredService<IndexWriter>();
            await using var tx = await index.BeginAsync();
            await db.Releases.Where(r => r.Project.NormalizedName == "raw-sql-yank")
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Yanked, true).SetProperty(r => r.YankedReason, "by statement"));
            // A set-based journal insert: the change tracker never sees this row, so the writer names the project
            // itself. The time is copied from the newest entry so the statement is the same on both databases
            // (they store times differently).
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO journal ("ProjectName", "Action", "CreatedAt")
                SELECT {"raw-sql-yank"}, 'yank release', "CreatedAt" FROM journal WHERE "Id" = (SELECT MAX("Id") FROM journal)
                """);
            index.Record("raw-sql-yank");
            await tx.CommitAsync();
            return 0;
        });

        Assert.Contains("data-yanked=\"by statement\"", await Page("raw-sql-yank"));
    }

    [Fact]
    public async Task A_journal_append_outside_an_index_transaction_is_refused_and_writes_nothing()
    {
        await server.SeedAsync(new ReleaseSeed("no-index-tx", "1.0"));
        var before = await server.WithDbAsync(db => db.Journal.CountAsync());

        await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BulwarkDbContext>();
            var project = await db.Projects.SingleAsync(p => p.NormalizedName == "no-index-tx");
            // Even inside a plain database transaction: nobody would publish what it commits.
            await using var plain = await db.Database.BeginTransactionAsync();
            await Assert.ThrowsAsync<InvalidOperationException>(() => sp.GetRequiredService<IndexWriter>().AppendAsync(project, "yank release", "1.0"));
            return 0;
        });

        Assert.Equal(before, await server.WithDbAsync(db => db.Journal.CountAsync()));
    }

    [Fact]
    public async Task Every_index_transaction_gives_its_write_slot_back_committed_or_not()
    {
        await server.SeedAsync(new ReleaseSeed("slot-back", "1.0"));
        var gate = server.Services.GetRequiredService<IndexWriteGate>();
        var free = gate.Available;

        await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BulwarkDbContext>();
            var index = sp.GetRequiredService<IndexWriter>();
            var project = await db.Projects.SingleAsync(p => p.NormalizedName == "slot-back");
            await using (var committed = await index.BeginAsync())
            {
                Assert.Equal(free - 1, gate.Available);
                await index.AppendAsync(project, "touch");
                await committed.CommitAsync();
            }
            Assert.Equal(free, gate.Available);
            // Abandoned: rolled back by its disposal, and the slot comes back all the same.
            await using (var abandoned = await index.BeginAsync())
            {
                await index.AppendAsync(project, "touch again");
            }
            return 0;
        });

        Assert.Equal(free, gate.Available);
    }

    private async Task<string> Page(string normalized) =>
        await (await _client.GetWithAcceptAsync($"/simple/{normalized}/", "text/html")).Content.ReadAsStringAsync();

    private async Task<bool> JsonYanked(string normalized) =>
        (await (await _client.GetAsync($"/pypi/{normalized}/json")).ReadJsonAsync()).GetProperty("urls")[0].GetProperty("yanked").GetBoolean();
}

public sealed class WriterVisibilityTestsSqlite(SlowPollSqliteServer server) : WriterVisibilityTests<SlowPollSqliteServer>(server), IClassFixture<SlowPollSqliteServer>;

public sealed class WriterVisibilityTestsPostgres(SlowPollPostgresServer server) : WriterVisibilityTests<SlowPollPostgresServer>(server), IClassFixture<SlowPollPostgresServer>;
