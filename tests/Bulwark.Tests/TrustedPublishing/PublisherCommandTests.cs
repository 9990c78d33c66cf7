using System.Net;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.TrustedPublishing;

/// <summary>
/// <c>project publisher add|list|remove</c> and <c>token revoke</c>, run in-process with a host of their own against
/// the test server's database (as the real binary would), then checked through the server: the exchange, uploads,
/// the audit log and the owners' mail.
/// </summary>
public abstract class PublisherCommandTests<TServer>(TServer server) where TServer : TrustedPublishingServer
{
    private static string UniqueName() => "cli-" + Guid.NewGuid().ToString("N")[..10];

    private Task<HttpResponseMessage> UploadAsync(string token, string name, string version) => server.UploadAsync(token, name, version);

    private string GitHubJwt(string repository) => server.Issuer.SignRs256(
        TestOidcIssuer.GitHubClaims(server.GitHub, TrustedPublishingServer.Audience, repository, "release.yml", "pypi", server.Clock.GetUtcNow()));

    [Fact]
    public async Task Add_list_and_remove_a_GitHub_publisher_audited_and_mailed_to_the_owners()
    {
        var name = UniqueName();
        var (_, owner) = await server.ProjectWithOwnerAsync(name);

        var add = await server.CliAsync("project", "publisher", "add", name, "--provider", "github", "--issuer", server.GitHub, "--repository", "acme/" + name, "--workflow", "release.yml", "--environment", "pypi");
        Assert.True(add.Exit == 0, add.Err);
        Assert.Contains($"{name} now trusts GitHub at {server.GitHub}: acme/{name}, workflow release.yml, environment pypi", add.Out);

        var list = await server.CliAsync("project", "publisher", "list", name);
        Assert.Equal(0, list.Exit);
        var id = list.Out.Split('\t')[0];
        Assert.Contains($"acme/{name}, workflow release.yml", list.Out);
        Assert.Contains("by an operator", list.Out);

        var token = await server.MintOkAsync(GitHubJwt("acme/" + name));
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(token, name, "1.0")).StatusCode);

        var remove = await server.CliAsync("project", "publisher", "remove", name, id);
        Assert.True(remove.Exit == 0, remove.Err);
        Assert.Contains("no longer trusts", remove.Out);
        Assert.Contains("has no trusted publishers", (await server.CliAsync("project", "publisher", "list", name)).Out);
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(token, name, "1.1")).StatusCode);

        var events = await server.WithDbAsync(db => db.AuditEvents.Where(e => e.ProjectId != null && e.Details!.Contains("acme/" + name)
            && (e.Type == AuditEventType.TrustedPublisherAdded || e.Type == AuditEventType.TrustedPublisherRemoved)).ToListAsync());
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal("cli", e.IpAddress));
        await PickupMail.WaitForAsync(server, owner.Email, $"A trusted publisher was added to {name}");
        await PickupMail.WaitForAsync(server, owner.Email, $"A trusted publisher was removed from {name}");
    }

    [Fact]
    public async Task GitLab_and_generic_publishers_take_their_own_options()
    {
        var name = UniqueName();
        await server.ProjectWithOwnerAsync(name);
        var gitlab = await server.CliAsync("project", "publisher", "add", name, "--provider", "gitlab", "--issuer", server.GitLab,
            "--project-path", "group/" + name, "--ci-config-ref-path", ".gitlab-ci.yml");
        Assert.True(gitlab.Exit == 0, gitlab.Err);
        var oidc = await server.CliAsync("project", "publisher", "add", name, "--provider", "oidc", "--issuer", server.Ci,
            "--audience", "jenkins", "--claim", "sub=job/" + name, "--claim", "build_branch=main");
        Assert.True(oidc.Exit == 0, oidc.Err);
        var list = (await server.CliAsync("project", "publisher", "list", name)).Out;
        Assert.Contains($"GitLab at {server.GitLab}: group/{name}, CI file .gitlab-ci.yml", list);
        Assert.Contains($"OIDC {server.Ci}: build_branch=main, sub=job/{name}, audience jenkins", list);
    }

    [Theory]
    [InlineData("--provider", "bitbucket")]
    [InlineData("--provider", "github", "--repository", "not a repo", "--workflow", "release.yml")]
    [InlineData("--provider", "github", "--repository", "acme/x", "--workflow", "../../evil.sh")]
    [InlineData("--provider", "oidc", "--issuer", "https://ci.example.com")]
    [InlineData("--provider", "gitlab", "--issuer", "https://gitlab.example.com", "--project-path", "g/p", "--ci-config-ref-path", ".gitlab-ci.yml")]
    public async Task Bad_publishers_are_refused_with_a_message(params string[] options)
    {
        var name = UniqueName();
        await server.ProjectWithOwnerAsync(name);
        var run = await server.CliAsync(["project", "publisher", "add", name, .. options]);
        Assert.Equal(1, run.Exit);
        Assert.StartsWith("error: ", run.Err);
        Assert.Contains("has no trusted publishers", (await server.CliAsync("project", "publisher", "list", name)).Out);
    }

    [Fact]
    public async Task A_pending_publisher_needs_an_owner_and_can_be_listed_and_removed()
    {
        var name = UniqueName();
        var (_, owner) = await server.ProjectWithOwnerAsync(UniqueName());
        var noOwner = await server.CliAsync("project", "publisher", "add", name, "--provider", "github", "--repository", "acme/" + name, "--workflow", "release.yml");
        Assert.Equal(1, noOwner.Exit);
        Assert.Contains("--owner", noOwner.Err);

        var add = await server.CliAsync("project", "publisher", "add", name, "--provider", "github", "--issuer", server.GitHub, "--repository", "acme/" + name, "--workflow", "release.yml", "--owner", owner.Username);
        Assert.True(add.Exit == 0, add.Err);
        var list = await server.CliAsync("project", "publisher", "list", name);
        Assert.Contains($"pending: GitHub at {server.GitHub}: acme/{name}", list.Out);
        Assert.Contains($"owner-to-be {owner.Username}", list.Out);
        var remove = await server.CliAsync("project", "publisher", "remove", name, list.Out.Split('\t')[0]);
        Assert.True(remove.Exit == 0, remove.Err);
        Assert.Contains("no pending publisher", (await server.CliAsync("project", "publisher", "list", name)).Out);
    }

    [Fact]
    public async Task Every_publisher_verb_has_help()
    {
        foreach (var verb in new[] { "add", "list", "remove" })
        {
            var help = await server.CliAsync("project", "publisher", verb, "--help");
            Assert.Equal(0, help.Exit);
            Assert.Contains("PROJECT", help.Out);
        }
        Assert.Contains("--ci-config-ref-path", (await server.CliAsync("project", "publisher", "add", "--help")).Out);
        Assert.Contains("--leaked-at", (await server.CliAsync("token", "revoke", "--help")).Out);
    }

    [Fact]
    public async Task Token_revoke_kills_a_token_by_id_or_as_a_leak_and_publisher_accounts_get_no_operator_tokens()
    {
        var name = UniqueName();
        var user = "r" + name[^8..];
        var first = await server.CreateTokenAsync(user);
        var second = await server.CreateTokenAsync(user);
        Assert.True(Core.Accounts.ApiTokens.ApiTokenFormat.TryParse(first, out var firstId, out _));

        var byId = await server.CliAsync("token", "revoke", firstId.ToString("N"));
        Assert.True(byId.Exit == 0, byId.Err);
        Assert.Contains($"Revoked token 'test' ({firstId:N}) of '{user}'.", byId.Out);
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(first, name, "1.0")).StatusCode);

        var leaked = await server.CliAsync("token", "revoke", second, "--leaked-at", "https://paste.example.com/abc");
        Assert.True(leaked.Exit == 0, leaked.Err);
        Assert.Contains("recorded as leaked", leaked.Out);
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(second, name, "1.0")).StatusCode);
        var mail = await PickupMail.WaitForAsync(server, $"{user}@example.com", "Your API token was found in public and revoked");
        Assert.Contains("https://paste.example.com/abc", mail.TextBody);
        Assert.Contains("already revoked", (await server.CliAsync("token", "revoke", second)).Out);

        var project = UniqueName();
        var (p, _) = await server.ProjectWithOwnerAsync(project);
        await server.AddPublisherAsync(p, new Core.TrustedPublishing.PublisherSpec.Input(Core.TrustedPublishing.PublisherKind.GitHub, server.GitHub, "acme/" + project, "release.yml"));
        var identity = await server.WithDbAsync(db => db.TrustedPublishers.Where(x => x.Repository == "acme/" + project).Select(x => x.IdentityUser.Username).SingleAsync());
        var create = await server.CliAsync("token", "create", identity);
        Assert.Equal(1, create.Exit);
        Assert.Contains("trusted publisher's account", create.Err);
    }
}

public sealed class PublisherCommandTestsSqlite(TrustedPublishingSqliteServer server) : PublisherCommandTests<TrustedPublishingSqliteServer>(server), IClassFixture<TrustedPublishingSqliteServer>;

public sealed class PublisherCommandTestsPostgres(TrustedPublishingPostgresServer server) : PublisherCommandTests<TrustedPublishingPostgresServer>(server), IClassFixture<TrustedPublishingPostgresServer>;
