using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Bulwark.EndToEnd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// The two-factor mandates as twine meets them, on the shared server with the default settings
/// (<c>RequireTwoFactorForAll</c> on): the refusal reaches the maintainer's terminal with the rule's name,
/// and the same upload goes through once the account has a security key.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MandateUploadTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task A_maintainer_without_2FA_on_a_critical_project_is_refused_by_twine_and_succeeds_after_enrolling_a_key()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = $"crit-{suffix}";
        var maintainer = $"maint{suffix}";

        // The project exists (first release by an automation account) and the maintainer, an account that
        // signs in with a password, has a role on it. Then it becomes critical, past its grace period.
        await e2e.BuildAndUploadAsync($"bot{suffix}", new PythonProject(project, "1.0.0", BuildBackend.Hatchling));
        await using (var scope = e2e.Server.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<UserService>()
                .CreateAsync(maintainer, $"{maintainer}@example.com", "tundra velvet gossip 41", false, true, new Actor("e2e", "e2e"));
            Assert.True(created.Succeeded, created.Refusal?.Message);
            var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
            var row = await db.Projects.SingleAsync(p => p.Name == project);
            db.ProjectRoles.Add(new ProjectRole { ProjectId = row.Id, UserId = created.Value.Id, Role = ProjectRoleKind.Maintainer, CreatedAt = DateTimeOffset.UtcNow });
            row.CriticalSince = DateTimeOffset.UtcNow.AddDays(-31);
            row.CriticalEnforceAfter = DateTimeOffset.UtcNow.AddDays(-1);
            row.CriticalNotifiedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
        }
        var token = await e2e.Server.CreateTokenAsync(maintainer, project);
        var release = await e2e.Packages.BuildAsync(new PythonProject(project, "1.1.0", BuildBackend.Hatchling));

        var mark = e2e.Server.Requests.Mark();
        var refused = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [release.Wheel]);
        Check.Failed(refused, e2e, mark, "twine upload by a critical-project maintainer without 2FA");
        Check.OutputContains(refused, "403", e2e, mark);
        Check.OutputContains(refused, $"'{project}' is a critical project", e2e, mark);
        Check.OutputContains(refused, "rule: critical projects", e2e, mark);
        Check.OutputContains(refused, "/account/security", e2e, mark);

        await SecondFactors.EnrolAsync(e2e.Server, maintainer, securityKey: true);
        mark = e2e.Server.Requests.Mark();
        var accepted = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [release.Wheel]);
        Check.Succeeded(accepted, e2e, mark, "the same twine upload after enrolling a security key");
        Assert.Equal([release.WheelName], (await e2e.Index.ReleaseFilesAsync(project, "1.1.0")).Keys);
    }

    [Fact]
    public async Task A_password_account_without_2FA_is_refused_by_twine_under_the_site_rule()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var username = $"nofa{suffix}";
        await using (var scope = e2e.Server.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<UserService>()
                .CreateAsync(username, $"{username}@example.com", "tundra velvet gossip 41", false, true, new Actor("e2e", "e2e"));
            Assert.True(created.Succeeded, created.Refusal?.Message);
        }
        var token = await e2e.Server.CreateTokenAsync(username);
        var built = await e2e.Packages.BuildAsync(new PythonProject($"site-{suffix}", "1.0.0"));
        var mark = e2e.Server.Requests.Mark();
        var refused = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [built.Wheel]);
        Check.Failed(refused, e2e, mark, "twine upload by an account without 2FA");
        Check.OutputContains(refused, "two-factor authentication required for all users", e2e, mark);
    }
}
