using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Uploads;

public abstract class ReleaseNotificationTests<TServer>(TServer server) : UploadTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Every_maintainer_is_mailed_once_per_new_release()
    {
        var owner = "owner" + Guid.NewGuid().ToString("N")[..8];
        var helper = "helper" + Guid.NewGuid().ToString("N")[..8];
        var token = await Server.CreateTokenAsync(owner);
        await Server.CreateTokenAsync(helper);
        var name = UniqueName("notify");

        var v1 = new TestDistributions.Spec(name, "1.0");
        await AssertOkAsync(await UploadAsync(UploadForm.For(v1, wheel: true), token));
        await AssertOkAsync(await UploadAsync(UploadForm.For(v1, wheel: false), token)); // same release: no second mail
        var first = await PickupMail.WaitForAsync(Server, $"{owner}@example.com", $"{name} 1.0 was published");
        Assert.Contains($"Published by: {owner}", first.TextBody);
        Assert.Contains($"http://localhost/project/{ProjectName.Normalize(name)}/", first.TextBody);

        await Server.WithDbAsync(async db =>
        {
            var project = await db.Projects.SingleAsync(p => p.NormalizedName == ProjectName.Normalize(name));
            var user = await db.Users.SingleAsync(u => u.Username == helper);
            db.ProjectRoles.Add(new ProjectRole { ProjectId = project.Id, UserId = user.Id, Role = ProjectRoleKind.Maintainer, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        await AssertOkAsync(await UploadAsync(UploadForm.For(v1 with { Version = "2.0" }), token));
        await PickupMail.WaitForAsync(Server, $"{helper}@example.com", $"{name} 2.0 was published");
        await PickupMail.WaitForAsync(Server, $"{owner}@example.com", $"{name} 2.0 was published");

        // Delivered in order: the 2.0 mails are there, so a duplicate 1.0 mail would be too.
        Assert.Single(PickupMail.To(Server, $"{owner}@example.com"), m => m.Subject == $"{name} 1.0 was published");
        Assert.DoesNotContain(PickupMail.To(Server, $"{helper}@example.com"), m => m.Subject == $"{name} 1.0 was published");
    }
}

public sealed class ReleaseNotificationTestsSqlite(SqliteServer server) : ReleaseNotificationTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class ReleaseNotificationTestsPostgres(PostgresServer server) : ReleaseNotificationTests<PostgresServer>(server), IClassFixture<PostgresServer>;
