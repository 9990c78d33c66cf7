using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.TrustedPublishing;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Tests.TrustedPublishing;

/// <summary>
/// <c>/_/oidc/audience</c> and <c>/_/oidc/mint-token</c> against a real issuer on loopback: a matching token is
/// exchanged once for an API token that uploads; every kind of wrong token is refused with Warehouse's code and a
/// description that names the problem.
/// </summary>
public abstract class MintTokenTests<TServer>(TServer server) where TServer : TrustedPublishingServer
{
    private const string Workflow = "release.yml";

    private static string UniqueName() => "tp-" + Guid.NewGuid().ToString("N")[..10];

    private DateTimeOffset Now => server.Clock.GetUtcNow();

    /// <summary>A project trusting GitHub repository <c>acme/NAME</c>, workflow release.yml, environment pypi.</summary>
    private async Task<(string Name, string Repository)> GitHubProjectAsync(string? environment = "pypi")
    {
        var name = UniqueName();
        var repository = "acme/" + name;
        var (project, _) = await server.ProjectWithOwnerAsync(name);
        await server.AddPublisherAsync(project, new PublisherSpec.Input(PublisherKind.GitHub, server.GitHub, repository, Workflow, environment));
        return (name, repository);
    }

    private Dictionary<string, object> GitHubClaims(string repository, string? environment = "pypi", string workflow = Workflow) =>
        TestOidcIssuer.GitHubClaims(server.GitHub, TrustedPublishingServer.Audience, repository, workflow, environment, Now);


    private Task<HttpResponseMessage> UploadAsync(string token, string name, string version) => server.UploadAsync(token, name, version);

    [Fact]
    public async Task The_audience_endpoint_names_the_configured_audience()
    {
        using var client = server.CreateClient();
        var body = JsonDocument.Parse(await client.GetStringAsync("/_/oidc/audience")).RootElement;
        Assert.Equal(TrustedPublishingServer.Audience, body.GetProperty("audience").GetString());
    }

    [Fact]
    public async Task A_matching_GitHub_token_is_exchanged_for_a_short_token_that_uploads_and_is_recorded()
    {
        var (name, repository) = await GitHubProjectAsync();
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(GitHubClaims(repository)));

        Assert.True(status == 200, body.ToString());
        Assert.True(body.GetProperty("success").GetBoolean());
        var token = body.GetProperty("token").GetString()!;
        Assert.StartsWith("bulwark_", token);
        var expires = DateTimeOffset.FromUnixTimeSeconds(body.GetProperty("expires").GetInt64());
        Assert.InRange(expires - Now, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        var upload = await UploadAsync(token, name, "1.0");
        Assert.True(upload.StatusCode == HttpStatusCode.OK, $"{(int)upload.StatusCode} {upload.ReasonPhrase}");

        await server.WithDbAsync(async db =>
        {
            var minted = await db.MintedTokens.Include(m => m.Token).SingleAsync(m => m.Repository == repository);
            Assert.Equal($"{repository}/.github/workflows/{Workflow}@refs/tags/v1.0", minted.Workflow);
            Assert.Equal("7000001", minted.RunId);
            Assert.Equal("pypi", minted.Environment);
            Assert.Equal([name], minted.Token.ProjectScopes);
            Assert.True(minted.Token.IssuedPhishingResistant);
            var file = await db.Files.SingleAsync(f => f.Filename.StartsWith(TestDistributions.Escape(name) + "-1.0-"));
            Assert.Equal(minted.TokenId, file.UploadedWithTokenId);
            var audit = await db.AuditEvents.SingleAsync(e => e.Type == AuditEventType.TrustedPublisherTokenMinted && e.TokenId == minted.TokenId);
            Assert.Contains(repository, audit.Details);
            Assert.Contains("7000001", audit.Details);
            Assert.Contains(Workflow, audit.Details);
            // The token is owned by the publisher's own account, never by a person.
            var publisher = await db.TrustedPublishers.SingleAsync(p => p.Id == minted.PublisherId);
            Assert.Equal(publisher.IdentityUserId, minted.Token.UserId);
            Assert.False(await db.ProjectRoles.AnyAsync(r => r.UserId == publisher.IdentityUserId));
            // The owner id was pinned from the first token.
            Assert.Equal("4242", publisher.RepositoryOwnerId);
            return true;
        });
    }

    [Fact]
    public async Task The_legacy_GitHub_exchange_path_works_too()
    {
        var (_, repository) = await GitHubProjectAsync();
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(GitHubClaims(repository)), "/_/oidc/github/mint-token");
        Assert.True(status == 200, body.ToString());
    }

    [Fact]
    public async Task A_replayed_token_is_refused_with_invalid_reuse_token()
    {
        var (_, repository) = await GitHubProjectAsync();
        var jwt = server.Issuer.SignRs256(GitHubClaims(repository));
        await server.MintOkAsync(jwt);
        var (status, body) = await server.MintAsync(jwt);
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidReuseToken, "already used");
    }

    [Fact]
    public async Task Concurrent_exchanges_of_one_token_mint_once()
    {
        var (_, repository) = await GitHubProjectAsync();
        var jwt = server.Issuer.SignRs256(GitHubClaims(repository));
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => server.MintAsync(jwt)));
        Assert.Single(results, r => r.Status == 200);
        Assert.All(results.Where(r => r.Status != 200), r => TrustedPublishingServer.AssertRefused(r.Status, r.Body, MintFailure.InvalidReuseToken, "already used"));
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused()
    {
        var (_, repository) = await GitHubProjectAsync();
        var claims = GitHubClaims(repository);
        claims["aud"] = "pypi";
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(claims));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidToken, $"audience is 'pypi', but this index accepts only '{TrustedPublishingServer.Audience}'");
    }

    [Fact]
    public async Task A_token_with_several_audiences_is_refused()
    {
        var (_, repository) = await GitHubProjectAsync();
        var claims = GitHubClaims(repository);
        claims["aud"] = new[] { TrustedPublishingServer.Audience, "pypi" };
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(claims));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidToken, "audience");
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_the_leeway_is_thirty_seconds()
    {
        var (_, repository) = await GitHubProjectAsync();
        var claims = GitHubClaims(repository);
        claims["iat"] = Now.AddMinutes(-10).ToUnixTimeSeconds();
        claims["nbf"] = Now.AddMinutes(-10).ToUnixTimeSeconds();
        claims["exp"] = Now.AddSeconds(-31).ToUnixTimeSeconds();
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(claims));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidToken, "the token expired at");

        claims["jti"] = Guid.NewGuid().ToString();
        claims["exp"] = Now.AddSeconds(-20).ToUnixTimeSeconds();
        Assert.Equal(200, (await server.MintAsync(server.Issuer.SignRs256(claims))).Status);
    }

    [Fact]
    public async Task A_token_not_yet_valid_or_issued_in_the_future_is_refused()
    {
        var (_, repository) = await GitHubProjectAsync();
        var claims = GitHubClaims(repository);
        claims["nbf"] = Now.AddMinutes(2).ToUnixTimeSeconds();
        var (s1, b1) = await server.MintAsync(server.Issuer.SignRs256(claims));
        TrustedPublishingServer.AssertRefused(s1, b1, MintFailure.InvalidToken, "not valid before");
        claims["nbf"] = Now.ToUnixTimeSeconds();
        claims["jti"] = Guid.NewGuid().ToString();
        claims["iat"] = Now.AddMinutes(2).ToUnixTimeSeconds();
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(claims));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidToken, "issued in the future");
    }

    [Fact]
    public async Task A_token_from_another_repository_or_workflow_or_environment_is_refused_with_invalid_publisher()
    {
        var (_, repository) = await GitHubProjectAsync();
        var (s1, b1) = await server.MintAsync(server.Issuer.SignRs256(GitHubClaims("acme/someone-else")));
        TrustedPublishingServer.AssertRefused(s1, b1, MintFailure.InvalidPublisher, "valid token, but no corresponding publisher (GitHub repository 'acme/someone-else'");
        var (s2, b2) = await server.MintAsync(server.Issuer.SignRs256(GitHubClaims(repository, workflow: "nightly.yml")));
        TrustedPublishingServer.AssertRefused(s2, b2, MintFailure.InvalidPublisher, "workflow 'nightly.yml'");
        var (s3, b3) = await server.MintAsync(server.Issuer.SignRs256(GitHubClaims(repository, environment: "staging")));
        TrustedPublishingServer.AssertRefused(s3, b3, MintFailure.InvalidPublisher, "environment 'staging'");
        var (s4, b4) = await server.MintAsync(server.Issuer.SignRs256(GitHubClaims(repository, environment: null)));
        TrustedPublishingServer.AssertRefused(s4, b4, MintFailure.InvalidPublisher, "no corresponding publisher");
    }

    [Fact]
    public async Task A_token_whose_owner_id_differs_from_the_pinned_one_is_refused()
    {
        var (_, repository) = await GitHubProjectAsync();
        await server.MintOkAsync(server.Issuer.SignRs256(GitHubClaims(repository)));
        var claims = TestOidcIssuer.GitHubClaims(server.GitHub, TrustedPublishingServer.Audience, repository, Workflow, "pypi", Now, ownerId: "999");
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(claims));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidPublisher, "pinned to owner id 4242");
    }

    [Fact]
    public async Task A_pull_request_target_run_cannot_publish()
    {
        var (_, repository) = await GitHubProjectAsync();
        var claims = GitHubClaims(repository);
        claims["event_name"] = "pull_request_target";
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(claims));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidPublisher, "pull_request_target");
    }

    [Fact]
    public async Task An_unsigned_token_is_refused()
    {
        var (_, repository) = await GitHubProjectAsync();
        var (status, body) = await server.MintAsync(server.Issuer.Unsigned(GitHubClaims(repository)));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidToken, "algorithm 'none'");
    }

    [Fact]
    public async Task An_HMAC_token_is_refused_even_keyed_with_the_public_key()
    {
        var (_, repository) = await GitHubProjectAsync();
        // The classic confusion attack: HS256 with the issuer's public key (which everybody has) as the secret.
        var secret = server.Issuer.Rsa.Rsa.ExportSubjectPublicKeyInfo();
        var key = new SymmetricSecurityKey(SHA256.HashData(secret).Concat(secret).ToArray()) { KeyId = server.Issuer.Rsa.KeyId };
        var (status, body) = await server.MintAsync(TestOidcIssuer.Sign(GitHubClaims(repository), key, SecurityAlgorithms.HmacSha256));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidToken, "algorithm 'HS256'");
    }

    [Fact]
    public async Task A_token_signed_by_another_key_under_the_issuers_key_id_is_refused()
    {
        var (_, repository) = await GitHubProjectAsync();
        using var other = RSA.Create(2048);
        var forged = new RsaSecurityKey(other) { KeyId = server.Issuer.Rsa.KeyId };
        var (status, body) = await server.MintAsync(TestOidcIssuer.Sign(GitHubClaims(repository), forged, SecurityAlgorithms.RsaSha256));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidToken, "signature does not verify");
    }

    [Fact]
    public async Task A_token_from_an_issuer_not_allowed_is_refused_before_anything_is_fetched()
    {
        var (_, repository) = await GitHubProjectAsync();
        var claims = GitHubClaims(repository);
        claims["iss"] = server.Issuer.Issuer("unlisted");
        var before = server.Issuer.Hits("/unlisted/.well-known/openid-configuration");
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(claims));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidPayload, "unknown trusted publishing issuer");
        Assert.Equal(before, server.Issuer.Hits("/unlisted/.well-known/openid-configuration"));
    }

    [Fact]
    public async Task A_discovery_document_that_names_another_issuer_gives_no_keys()
    {
        var claims = TestOidcIssuer.Registered(server.Issuer.Issuer("liar"), TrustedPublishingServer.Audience, Now);
        claims["sub"] = "x";
        var (status, body) = await server.MintAsync(server.Issuer.SignRs256(claims));
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidToken, "names the issuer");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"token\": 42}")]
    [InlineData("{\"jwt\": \"abc\"}")]
    public async Task A_body_without_a_token_string_is_invalid_payload(string body)
    {
        using var client = server.CreateClient();
        var response = await client.PostAsync("/_/oidc/mint-token", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        TrustedPublishingServer.AssertRefused((int)response.StatusCode, answer, MintFailure.InvalidPayload, "\"token\"");
    }

    [Fact]
    public async Task A_token_that_is_not_a_JWT_is_invalid_payload()
    {
        var (status, body) = await server.MintAsync("this.is.not-a-jwt");
        TrustedPublishingServer.AssertRefused(status, body, MintFailure.InvalidPayload, "malformed JWT");
    }

    [Fact]
    public async Task A_minted_token_expires_after_fifteen_minutes()
    {
        var (name, repository) = await GitHubProjectAsync();
        var token = await server.MintOkAsync(server.Issuer.SignRs256(GitHubClaims(repository)));
        var ok = await UploadAsync(token, name, "2.0");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        server.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        var late = await UploadAsync(token, name, "2.1");
        Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        Assert.StartsWith("Invalid API Token: the token expired at", late.ReasonPhrase);
    }

    [Fact]
    public async Task A_minted_token_uploads_only_where_its_publisher_is_trusted_and_stops_when_removed()
    {
        var (name, repository) = await GitHubProjectAsync();
        var other = UniqueName();
        await server.ProjectWithOwnerAsync(other);
        var token = await server.MintOkAsync(server.Issuer.SignRs256(GitHubClaims(repository)));

        var elsewhere = await UploadAsync(token, other, "1.0");
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.StartsWith("Invalid API Token: project-scoped token is not valid for project", elsewhere.ReasonPhrase);
        var fresh = await UploadAsync(token, UniqueName(), "1.0");
        Assert.Equal(HttpStatusCode.Forbidden, fresh.StatusCode);

        var publisherId = await server.WithDbAsync(db => db.MintedTokens.Where(m => m.Repository == repository).Select(m => m.PublisherId).SingleAsync());
        await server.WithScopeAsync(async sp =>
        {
            var project = await sp.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>().Projects.SingleAsync(p => p.Name == name);
            var removed = await sp.GetRequiredService<PublisherManagement>().RemoveAsync(project, publisherId, null, new Actor("test", "test"));
            Assert.True(removed.Succeeded, removed.Refusal?.Message);
            return true;
        });
        var afterRemoval = await UploadAsync(token, name, "1.0");
        Assert.Equal(HttpStatusCode.Forbidden, afterRemoval.StatusCode);
        Assert.Contains("is not registered for project", afterRemoval.ReasonPhrase);
    }

    [Fact]
    public async Task A_minted_token_satisfies_the_two_factor_mandates_where_the_owners_token_is_refused()
    {
        var (name, repository) = await GitHubProjectAsync();
        var owner = await server.WithDbAsync(db => db.ProjectRoles.Where(r => r.Project.Name == name && r.User.PasswordHash != null).Select(r => r.User.Username).SingleAsync());
        await server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).ExecuteUpdateAsync(u => u
            .SetProperty(p => p.RequirePhishingResistant, true)
            .SetProperty(p => p.CriticalSince, Now.AddDays(-60))
            .SetProperty(p => p.CriticalEnforceAfter, Now.AddDays(-30))
            .SetProperty(p => p.CriticalNotifiedAt, Now.AddDays(-60))));
        // The index-wide rule on, as by default: the owner (a password, no second factor) cannot upload with a token of theirs.
        using var mandated = server.WithWebHostBuilder(b => b.UseSetting("Bulwark:Policy:RequireTwoFactorForAll", "true"));
        async Task<HttpResponseMessage> Upload(string token, string version)
        {
            using var client = mandated.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = UploadForm.For(new TestDistributions.Spec(name, version)).ToContent() };
            request.Headers.Authorization = UploadForm.TokenAuth(token);
            return await client.SendAsync(request);
        }
        var ownersToken = await server.CreateTokenAsync(owner, [name]);
        var refused = await Upload(ownersToken, "3.0");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("critical project", refused.ReasonPhrase);

        var minted = await server.MintOkAsync(server.Issuer.SignRs256(GitHubClaims(repository)));
        var accepted = await Upload(minted, "3.0");
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{(int)accepted.StatusCode} {accepted.ReasonPhrase}");
    }




}

public sealed class MintTokenTestsSqlite(TrustedPublishingSqliteServer server) : MintTokenTests<TrustedPublishingSqliteServer>(server), IClassFixture<TrustedPublishingSqliteServer>;

public sealed class MintTokenTestsPostgres(TrustedPublishingPostgresServer server) : MintTokenTests<TrustedPublishingPostgresServer>(server), IClassFixture<TrustedPublishingPostgresServer>;
