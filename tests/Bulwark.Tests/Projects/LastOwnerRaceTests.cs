using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Projects;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Projects;

/// <summary>Two owners removing each other at the same moment must not leave a project without an owner.</summary>
public abstract class LastOwnerRaceTests<TServer>(TServer server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Concurrent_removals_keep_one_owner()
    {
        for (var round = 0; round < 5; round++)
        {
            var (project, a, b) = await TwoOwnersAsync();
            var results = await Task.WhenAll(RemoveAsync(project, a, b), RemoveAsync(project, b, a));
            var owners = await server.WithDbAsync(db => db.ProjectRoles.CountAsync(r => r.Project.NormalizedName == project && r.Role == ProjectRoleKind.Owner));
            Assert.Equal(1, owners);
            Assert.Single(results, r => r.Succeeded);
            Assert.Single(results, r => !r.Succeeded);
        }
    }

    private async Task<(string Project, User A, User B)> TwoOwnersAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        return await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>();
            var users = sp.GetRequiredService<UserService>();
            var a = (await users.CreateAsync("ra" + suffix, $"ra{suffix}@example.com", null, false, true, new Actor("t", "t"))).Value;
            var b = (await users.CreateAsync("rb" + suffix, $"rb{suffix}@example.com", null, false, true, new Actor("t", "t"))).Value;
            var project = new Project { Name = "race-" + suffix, NormalizedName = "race-" + suffix, UltranormalizedName = "race" + suffix, CreatedAt = DateTimeOffset.UtcNow };
            db.Projects.Add(project);
            await db.SaveChangesAsync();
            db.ProjectRoles.AddRange(
                new ProjectRole { ProjectId = project.Id, UserId = a.Id, Role = ProjectRoleKind.Owner, CreatedAt = DateTimeOffset.UtcNow },
                new ProjectRole { ProjectId = project.Id, UserId = b.Id, Role = ProjectRoleKind.Owner, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            return (project.NormalizedName, a, b);
        });
    }

    /// <summary><paramref name="by"/> removes <paramref name="target"/>, in a unit of work of its own (as two requests would).</summary>
    private Task<Outcome<string>> RemoveAsync(string project, User by, User target) =>
        Task.Run(() => server.WithScopeAsync(async sp =>
        {
            var membership = (await sp.GetRequiredService<ProjectAccess>().FindAsync(project, by.Id))!;
            var actor = sp.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>().Users.Single(u => u.Id == by.Id);
            return await sp.GetRequiredService<Collaborators>().RemoveAsync(membership, actor, target.Username, new Actor("t", "t", by.Id));
        }));
}

public sealed class LastOwnerRaceTestsSqlite(SqliteServer server) : LastOwnerRaceTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class LastOwnerRaceTestsPostgres(PostgresServer server) : LastOwnerRaceTests<PostgresServer>(server), IClassFixture<PostgresServer>;
