using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Projects;
using Bulwark.Core.TrustedPublishing;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.TrustedPublishing;

/// <summary>Pending publishers: the first valid token creates the project, owned by the user who registered it.</summary>
public abstract class PendingPublisherTests<TServer>(TServer server) where TServer : TrustedPublishingServer
{
    private static string UniqueName() => "pend-" + Guid.NewGuid().ToString("N")[..10];

    private Task<User> UserAsync() => server.WithScopeAsync(async sp =>
    {
        var username = "p" + Guid.NewGuid().ToString("N")[..8];
        var created = await sp.GetRequiredService<UserService>().CreateAsync(username, $"{username}@example.com", "tundra velvet gossip 41", false, true, new Actor("test", "test"));
        return created.Value;
    });

    private Task<Outcome<string>> AddPendingAsync(string project, User owner, string repository, string workflow = "release.yml") =>
        server.WithScopeAsync(async sp =>
        {
            var (spec, error) = PublisherSpec.Parse(new PublisherSpec.Input(PublisherKind.GitHub, server.GitHub, repository, workflow), sp.GetRequiredService<OidcIssuers>());
            Assert.True(spec is not null, error);
            return await sp.GetRequiredService<PublisherManagement>().AddPendingAsync(project, spec!, owner, new Actor("test", "test"));
        });

    private string Jwt(string repository, string workflow = "release.yml") => server.Issuer.SignRs256(
        TestOidcIssuer.GitHubClaims(server.GitHub, TrustedPublishingServer.Audience, repository, workflow, now: server.Clock.GetUtcNow()));

    [Fact]
    public async Task The_first_token_creates_the_project_owned_by_the_user_who_registered_it_and_drops_rival_pending_publishers()
    {
        var name = UniqueName();
        var (alice, bob) = (await UserAsync(), await UserAsync());
        Assert.True((await AddPendingAsync(name, alice, "alice/" + name)).Succeeded);
        Assert.True((await AddPendingAsync(name, bob, "bob/" + name)).Succeeded);

        var token = await server.MintOkAsync(Jwt("alice/" + name));

        await server.WithDbAsync(async db =>
        {
            var project = await db.Projects.SingleAsync(p => p.NormalizedName == name);
            var role = await db.ProjectRoles.SingleAsync(r => r.ProjectId == project.Id);
            Assert.Equal((alice.Id, ProjectRoleKind.Owner), (role.UserId, role.Role));
            Assert.Single(await db.ProjectPublishers.Where(l => l.ProjectId == project.Id).ToListAsync());
            Assert.False(await db.PendingPublishers.AnyAsync(p => p.NormalizedName == name));
            Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == AuditEventType.ProjectCreated && e.ProjectId == project.Id && e.UserId == alice.Id));
            return true;
        });
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = UploadForm.For(new TestDistributions.Spec(name, "1.0")).ToContent() };
        request.Headers.Authorization = UploadForm.TokenAuth(token);
        var upload = await client.SendAsync(request);
        Assert.True(upload.IsSuccessStatusCode, $"{(int)upload.StatusCode} {upload.ReasonPhrase}");

        // Bob's publisher was pending for the same name: it was dropped, so it cannot mint for Alice's project.
        var (status, body) = await server.MintAsync(Jwt("bob/" + name));
        Assert.Equal(422, status);
        Assert.Contains("invalid-publisher", body.ToString());
    }

    [Fact]
    public async Task A_pending_publisher_whose_name_was_taken_is_dropped_with_invalid_pending_publisher()
    {
        var name = UniqueName();
        var alice = await UserAsync();
        Assert.True((await AddPendingAsync(name, alice, "alice/" + name)).Succeeded);
        await server.ProjectWithOwnerAsync(name);

        var (status, body) = await server.MintAsync(Jwt("alice/" + name));
        Assert.Equal(422, status);
        Assert.Contains("invalid-pending-publisher", body.ToString());
        Assert.Contains("already exists", body.ToString());
        Assert.False(await server.WithDbAsync(db => db.PendingPublishers.AnyAsync(p => p.NormalizedName == name)));
        Assert.False(await server.WithDbAsync(db => db.ProjectRoles.AnyAsync(r => r.UserId == alice.Id)));
    }

    [Fact]
    public async Task Pending_publishers_are_refused_for_existing_names_bad_names_and_past_the_limit()
    {
        var alice = await UserAsync();
        var taken = UniqueName();
        await server.ProjectWithOwnerAsync(taken);
        Assert.Contains("already exists", (await AddPendingAsync(taken, alice, "alice/x")).Refusal?.Message);
        Assert.Contains("isn't allowed", (await AddPendingAsync("os", alice, "alice/x")).Refusal?.Message);
        for (var i = 0; i < PublisherManagement.MaxPendingPerUser; i++) Assert.True((await AddPendingAsync(UniqueName(), alice, "alice/x")).Succeeded);
        var over = await AddPendingAsync(UniqueName(), alice, "alice/x");
        Assert.False(over.Succeeded);
        Assert.Contains($"already has {PublisherManagement.MaxPendingPerUser} pending publishers", over.Refusal?.Message);
    }
}

public sealed class PendingPublisherTestsSqlite(TrustedPublishingSqliteServer server) : PendingPublisherTests<TrustedPublishingSqliteServer>(server), IClassFixture<TrustedPublishingSqliteServer>;

public sealed class PendingPublisherTestsPostgres(TrustedPublishingPostgresServer server) : PendingPublisherTests<TrustedPublishingPostgresServer>(server), IClassFixture<TrustedPublishingPostgresServer>;
