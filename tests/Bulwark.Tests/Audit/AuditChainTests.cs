using Bulwark.Cli;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Audit;

/// <summary>
/// The audit log's hash chain: events recorded through the app link to the one before them, <c>audit verify</c>
/// passes on an intact log and names the first event that was edited, deleted or moved (each test puts back what it
/// tampered with, so the class's shared log verifies again), and concurrent writers never fork the chain.
/// </summary>
public abstract class AuditChainTests<TServer>(TServer server) where TServer : BulwarkServer
{
    private sealed record Run(int Exit, string Out, string Err);

    private async Task<Run> VerifyAsync(BulwarkServer? on = null)
    {
        on ??= server;
        var settings = new Dictionary<string, string?>
        {
            ["Bulwark:DataDirectory"] = on.DataDirectory,
            ["Bulwark:Database"] = on.Database.ToString(),
        };
        var cs = on.Services.GetRequiredService<IConfiguration>().GetConnectionString("Bulwark");
        if (!string.IsNullOrEmpty(cs)) settings["ConnectionStrings:Bulwark"] = cs;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(["audit", "verify"], stdout, stderr, settings: settings);
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    private static void AssertIntact(Run run)
    {
        Assert.True(run.Exit == 0, run.Err);
        Assert.Contains("Audit chain intact", run.Out);
    }

    /// <summary>Records <paramref name="count"/> events through the app (an account and its tokens) and returns their ids.</summary>
    private async Task<List<long>> RecordSomeAsync(int count)
    {
        var before = await server.WithDbAsync(db => db.AuditEvents.MaxAsync(e => (long?)e.Id)) ?? 0;
        var name = "chain" + Guid.NewGuid().ToString("N")[..10];
        for (var i = 0; i < count; i++) await server.CreateTokenAsync(name);
        return await server.WithDbAsync(db => db.AuditEvents.Where(e => e.Id > before).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());
    }

    private Task ExecuteAsync(FormattableString sql) => server.WithDbAsync(db => db.Database.ExecuteSqlAsync(sql));

    [Fact]
    public async Task Each_recorded_event_links_to_the_one_before_and_the_chain_verifies()
    {
        var ids = await RecordSomeAsync(3);
        Assert.True(ids.Count >= 4, "an account and three tokens");
        var rows = await server.WithDbAsync(db => db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(AuditChainHash.Genesis, rows[0].PreviousHash);
        for (var i = 1; i < rows.Count; i++) Assert.Equal(rows[i - 1].Hash, rows[i].PreviousHash);
        Assert.All(rows, r => Assert.Equal(AuditChainHash.Compute(r), r.Hash));

        var run = await VerifyAsync();
        AssertIntact(run);
        Assert.Contains($"head {rows[^1].Hash}", run.Out);
    }

    [Fact]
    public async Task Details_edited_in_the_database_are_named()
    {
        var ids = await RecordSomeAsync(3);
        var target = ids[1];
        var original = await server.WithDbAsync(db => db.AuditEvents.Where(e => e.Id == target).Select(e => e.Details).SingleAsync());
        await ExecuteAsync($"UPDATE audit_events SET \"Details\" = {"{\"name\":\"harmless\"}"} WHERE \"Id\" = {target}");

        var run = await VerifyAsync();
        Assert.Equal(AuditCommands.Broken, run.Exit);
        Assert.Contains($"broken at event {target}.", run.Err);
        Assert.Contains($"Audit event {target} was changed or moved", run.Err);

        await ExecuteAsync($"UPDATE audit_events SET \"Details\" = {original} WHERE \"Id\" = {target}");
        AssertIntact(await VerifyAsync());
    }

    [Fact]
    public async Task A_deleted_event_is_named_by_the_event_after_the_gap()
    {
        var ids = await RecordSomeAsync(3);
        var (before, deleted, after) = (ids[0], ids[1], ids[2]);
        var copy = await server.WithDbAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Id == deleted));
        await ExecuteAsync($"DELETE FROM audit_events WHERE \"Id\" = {deleted}");

        var run = await VerifyAsync();
        Assert.Equal(AuditCommands.Broken, run.Exit);
        Assert.Contains($"broken at event {after}.", run.Err);
        Assert.Contains($"Audit event {after} does not follow event {before}: an event between them was deleted", run.Err);

        // Put back as it was (its stored hash kept: a linked event is inserted as is).
        await server.WithDbAsync(async db =>
        {
            db.AuditEvents.Add(copy);
            return await db.SaveChangesAsync();
        });
        AssertIntact(await VerifyAsync());
    }

    [Fact]
    public async Task Two_events_swapped_are_named_at_the_first_of_them()
    {
        var ids = await RecordSomeAsync(3);
        var (first, second) = (ids[1], ids[2]);
        await SwapAsync(first, second);

        var run = await VerifyAsync();
        Assert.Equal(AuditCommands.Broken, run.Exit);
        Assert.Contains($"broken at event {first}.", run.Err);
        Assert.Contains($"Audit event {first} was changed or moved", run.Err);

        await SwapAsync(first, second);
        AssertIntact(await VerifyAsync());
    }

    /// <summary>Swaps every column but the id between two rows, hashes included.</summary>
    private Task SwapAsync(long a, long b) => server.WithDbAsync(async db =>
    {
        var x = await db.AuditEvents.SingleAsync(e => e.Id == a);
        var y = await db.AuditEvents.SingleAsync(e => e.Id == b);
        var keep = new AuditEvent();
        Copy(x, keep);
        Copy(y, x);
        Copy(keep, y);
        return await db.SaveChangesAsync();
    });

    private static void Copy(AuditEvent from, AuditEvent to)
    {
        to.OccurredAt = from.OccurredAt;
        to.Type = from.Type;
        to.UserId = from.UserId;
        to.ActorUserId = from.ActorUserId;
        to.ProjectId = from.ProjectId;
        to.IpAddress = from.IpAddress;
        to.UserAgent = from.UserAgent;
        to.TokenId = from.TokenId;
        to.Details = from.Details;
        to.PreviousHash = from.PreviousHash;
        to.Hash = from.Hash;
    }

    [Fact]
    public async Task Concurrent_writers_extend_one_chain_without_forking_it()
    {
        var before = await server.WithDbAsync(db => db.AuditEvents.CountAsync());
        const int writers = 6, each = 15;
        // Each writer has its own context and connection, as two server processes or the command line would; half of
        // them record inside a transaction of their own, holding the chain's lock from the first save to the commit.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await server.WithScopeAsync(async sp =>
                {
                    var db = sp.GetRequiredService<BulwarkDbContext>();
                    var audit = sp.GetRequiredService<AuditLog>();
                    var actor = new Actor("203.0.113.9", $"writer {w}");
                    if (w % 2 == 0)
                    {
                        audit.Record(AuditEventType.TokenRejected, actor, details: new ConcurrencyProbe(w, i));
                        return await db.SaveChangesAsync();
                    }
                    await using var tx = await db.Database.BeginTransactionAsync();
                    audit.Record(AuditEventType.TokenRejected, actor, details: new ConcurrencyProbe(w, i));
                    await db.SaveChangesAsync();
                    audit.Record(AuditEventType.TokenRejected, actor, details: new ConcurrencyProbe(w, i));
                    var saved = await db.SaveChangesAsync();
                    await tx.CommitAsync();
                    return saved;
                });
            }
        })));

        var rows = await server.WithDbAsync(db => db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.PreviousHash, e.Hash }).ToListAsync());
        Assert.Equal(before + writers / 2 * each + writers / 2 * each * 2, rows.Count);
        // A fork is two events naming the same predecessor.
        Assert.Equal(rows.Count, rows.Select(r => r.PreviousHash).Distinct().Count());
        AssertIntact(await VerifyAsync());
    }

    [Fact]
    public async Task Events_stored_before_the_chain_are_linked_at_first_start_and_a_later_unlinked_one_is_named()
    {
        var fresh = Fresh();
        await ((IAsyncLifetime)fresh).InitializeAsync();
        try
        {
            await LinksExistingAndNamesLaterUnlinkedAsync(fresh);
        }
        finally
        {
            await ((IAsyncLifetime)fresh).DisposeAsync();
        }
    }

    private async Task LinksExistingAndNamesLaterUnlinkedAsync(BulwarkServer fresh)
    {
        var at = DateTimeOffset.UtcNow;
        object time = fresh.Database == DatabaseKind.Sqlite ? at.UtcTicks : at;
        // As the previous version stored them: no hashes.
        for (var i = 0; i < 3; i++)
        {
            await fresh.WithDbAsync(db => db.Database.ExecuteSqlAsync(
                $"INSERT INTO audit_events (\"OccurredAt\", \"Type\", \"IpAddress\", \"Details\", \"UserId\") VALUES ({time}, {(int)AuditEventType.LoginSuccess}, {"198.51.100.7"}, {"{\"session\":1}"}, NULL)"));
        }
        await DataServices.InitializeDatabaseAsync(fresh.Services);
        Assert.Equal(3, await fresh.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Hash != null)));
        var run = await VerifyAsync(fresh);
        AssertIntact(run);
        Assert.Contains("3 events", run.Out);

        // One inserted around the log afterwards is not linked by the next start: it stays visible.
        await fresh.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"INSERT INTO audit_events (\"OccurredAt\", \"Type\", \"Details\") VALUES ({time}, {(int)AuditEventType.RoleAdded}, {"{\"user\":\"mallory\"}"})"));
        var sneaked = await fresh.WithDbAsync(db => db.AuditEvents.MaxAsync(e => e.Id));
        await DataServices.InitializeDatabaseAsync(fresh.Services);
        run = await VerifyAsync(fresh);
        Assert.Equal(AuditCommands.Broken, run.Exit);
        Assert.Contains($"Audit event {sneaked} is not linked into the chain", run.Err);
    }

    protected abstract BulwarkServer Fresh();
}

/// <summary>Details of the concurrency test's events.</summary>
public sealed record ConcurrencyProbe(int Writer, int Round) : IAuditDetails;

public sealed class AuditChainTestsSqlite(SqliteServer s) : AuditChainTests<SqliteServer>(s), IClassFixture<SqliteServer>
{
    protected override BulwarkServer Fresh() => new SqliteServer();
}

public sealed class AuditChainTestsPostgres(PostgresServer s) : AuditChainTests<PostgresServer>(s), IClassFixture<PostgresServer>
{
    protected override BulwarkServer Fresh() => new PostgresServer();
}
