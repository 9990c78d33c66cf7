using System.Net;
using System.Text.Json;
using Bulwark.Core.TrustedPublishing;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.TrustedPublishing;

/// <summary>
/// The kinds of issuer: GitLab (a self-managed instance, ES256 keys), a generic OIDC issuer with its own audience
/// and required claims, github.com's issuer with its keys read from a configured JWKS URL (air-gapped sites), and
/// Trusted Publishing switched off.
/// </summary>
public abstract class IssuerTests<TServer>(TServer server) where TServer : TrustedPublishingServer
{
    private static string UniqueName() => "iss-" + Guid.NewGuid().ToString("N")[..10];

    private DateTimeOffset Now => server.Clock.GetUtcNow();

    private const string Workflow = "release.yml";

    private Task<HttpResponseMessage> UploadAsync(string token, string name, string version) => server.UploadAsync(token, name, version);

    [Fact]
    public async Task A_GitLab_token_signed_with_ES256_is_exchanged()
    {
        var name = UniqueName();
        var (project, _) = await server.ProjectWithOwnerAsync(name);
        await server.AddPublisherAsync(project, new PublisherSpec.Input(PublisherKind.GitLab, server.GitLab, "group/sub/" + name, ".gitlab-ci.yml"));
        var claims = TestOidcIssuer.GitLabClaims(server.GitLab, TrustedPublishingServer.Audience, "group/sub/" + name, ".gitlab-ci.yml", now: Now);
        var token = await server.MintOkAsync(server.Issuer.SignEs256(claims));
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(token, name, "1.0")).StatusCode);

        var wrongFile = TestOidcIssuer.GitLabClaims(server.GitLab, TrustedPublishingServer.Audience, "group/sub/" + name, "ci/other.yml", now: Now);
        var (status, body) = await server.MintAsync(server.Issuer.SignEs256(wrongFile));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidPublisher, "CI file 'ci/other.yml'");
    }
    [Fact]
    public async Task A_generic_issuer_publisher_checks_its_claims_and_its_own_audience()
    {
        var name = UniqueName();
        var (project, _) = await server.ProjectWithOwnerAsync(name);
        await server.AddPublisherAsync(project, new PublisherSpec.Input(PublisherKind.Oidc, server.Ci, Audience: "forgejo-publish",
            Claims: [$"sub=repo:team/{name}:ref:refs/heads/main", "repository_visibility=private"]));
        Dictionary<string, object> Claims(string sub) => new(TestOidcIssuer.Registered(server.Ci, "forgejo-publish", Now))
        {
            ["sub"] = sub,
            ["repository_visibility"] = "private",
        };
        var token = await server.MintOkAsync(server.Issuer.SignRs256(Claims($"repo:team/{name}:ref:refs/heads/main")));
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(token, name, "1.0")).StatusCode);

        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(Claims($"repo:team/{name}:ref:refs/heads/feature")));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidPublisher, "the token's sub is");
    }
    [Fact]
    public async Task GitHubs_own_issuer_works_with_its_keys_read_from_a_configured_JWKS_URL()
    {
        var name = UniqueName();
        var (project, _) = await server.ProjectWithOwnerAsync(name);
        await server.AddPublisherAsync(project, new PublisherSpec.Input(PublisherKind.GitHub, null, "acme/" + name, Workflow));
        var claims = TestOidcIssuer.GitHubClaims(OidcIssuers.GitHubUrl, TrustedPublishingServer.Audience, "acme/" + name, Workflow, null, Now);
        var token = await server.MintOkAsync(server.Issuer.SignRs256(claims));
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(token, name, "1.0")).StatusCode);
    }
    [Fact]
    public async Task With_trusted_publishing_off_the_exchange_answers_not_enabled_and_the_audience_403()
    {
        using var off = server.WithWebHostBuilder(b => b.UseSetting("Bulwark:TrustedPublishing:Enabled", "false"));
        using var client = off.CreateClient();
        var audience = await client.GetAsync("/_/oidc/audience");
        Assert.Equal(HttpStatusCode.Forbidden, audience.StatusCode);
        var response = await client.PostAsync("/_/oidc/mint-token", new StringContent("{\"token\": \"x.y.z\"}"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        TrustedPublishingServer.AssertRefused((int)response.StatusCode, body, MintFailure.NotEnabled, "not enabled");
    }
}

public sealed class IssuerTestsSqlite(TrustedPublishingSqliteServer server) : IssuerTests<TrustedPublishingSqliteServer>(server), IClassFixture<TrustedPublishingSqliteServer>;

public sealed class IssuerTestsPostgres(TrustedPublishingPostgresServer server) : IssuerTests<TrustedPublishingPostgresServer>(server), IClassFixture<TrustedPublishingPostgresServer>;
