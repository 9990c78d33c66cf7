using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Bulwark.Data.PostgreSql;
using Bulwark.Data.Sqlite;
using Bulwark.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// Writes to the server's database the way another process would (the admin CLI, a second instance): its
/// own DbContext on the same database, writing journal rows itself and publishing nothing (no change feed,
/// no signal, no notification), so the server can only learn of the change by reading the journal.
/// </summary>
public sealed class OutsideWriter : IAsyncDisposable
{
    private OutsideWriter(BulwarkDbContext db) => Db = db;

    public BulwarkDbContext Db { get; }

    public static async Task<OutsideWriter> OpenAsync(BulwarkServer server)
    {
        var connectionString = await server.WithDbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));
        var builder = new DbContextOptionsBuilder<BulwarkDbContext>();
        if (server.Database == DatabaseKind.Postgres) PostgresDatabase.Configure(builder, connectionString);
        else SqliteDatabase.Configure(builder, connectionString);
        return new OutsideWriter(new BulwarkDbContext(builder.Options));
    }

    /// <summary>Yanks a release in one journaled transaction, as <see cref="ReleaseManagement"/> would.</summary>
    public async Task YankAsync(string normalizedName, string version, string reason)
    {
        await using var tx = await Db.Database.BeginTransactionAsync();
        var project = await Db.Projects.SingleAsync(p => p.NormalizedName == normalizedName);
        var release = await Db.Releases.SingleAsync(r => r.ProjectId == project.Id && r.Version == version);
        release.Yanked = true;
        release.YankedReason = reason;
        await AppendJournalAsync(project, "yank release", version);
        await Db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    /// <summary>Creates a project with no files (enough to be listed in the root), journaled.</summary>
    public async Task CreateProjectAsync(string name)
    {
        await using var tx = await Db.Database.BeginTransactionAsync();
        var project = new Project { Name = name, NormalizedName = ProjectName.Normalize(name), UltranormalizedName = ProjectName.Ultranormalize(name), CreatedAt = DateTimeOffset.UtcNow };
        Db.Projects.Add(project);
        await Db.SaveChangesAsync();
        await AppendJournalAsync(project, "create");
        await Db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    /// <summary>Appends a journal entry in the open transaction and moves the serial, as the index writer does, but announces nothing.</summary>
    public async Task AppendJournalAsync(Project project, string action, string? version = null)
    {
        var entry = new JournalEntry { ProjectName = project.Name, Version = version, Action = action, CreatedAt = DateTimeOffset.UtcNow };
        Db.Journal.Add(entry);
        await Db.SaveChangesAsync();
        project.LastSerial = entry.Id;
    }

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}

public static class PollerExtensions
{
    /// <summary>Makes the server read the journal now instead of waiting for its next poll.</summary>
    public static Task<int> PollJournalAsync(this BulwarkServer server) =>
        server.Services.GetRequiredService<Bulwark.Core.Index.JournalPoller>().PollOnceAsync(CancellationToken.None);
}
