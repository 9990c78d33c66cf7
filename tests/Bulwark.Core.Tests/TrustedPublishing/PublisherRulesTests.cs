using System.Text.Json;
using Bulwark.Core.TrustedPublishing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Core.Tests.TrustedPublishing;

/// <summary>What a publisher may be (<see cref="PublisherSpec.Parse"/>) and which tokens match it (<see cref="PublisherMatching"/>).</summary>
public sealed class PublisherRulesTests
{
    private const string Enterprise = "https://ghe.example.com/_services/token";
    private const string SelfManaged = "https://gitlab.example.com";
    private const string Jenkins = "https://jenkins.example.com/oidc";

    private static readonly OidcIssuers Issuers = new(Options.Create(new TrustedPublishingOptions
    {
        Issuers =
        [
            new IssuerOptions { Url = Enterprise, Provider = PublisherKind.GitHub },
            new IssuerOptions { Url = SelfManaged + "/", Provider = PublisherKind.GitLab },
            new IssuerOptions { Url = Jenkins },
        ],
    }));

    private static PublisherSpec Parse(PublisherSpec.Input input)
    {
        var (spec, error) = PublisherSpec.Parse(input, Issuers);
        Assert.True(spec is not null, error);
        return spec!;
    }

    private static string? Error(PublisherSpec.Input input) => PublisherSpec.Parse(input, Issuers).Error;

    private static VerifiedToken Token(string issuer, Dictionary<string, object> claims, string audience = "idx") =>
        new(Issuers.Find(issuer)!, audience, "jti", DateTimeOffset.UnixEpoch, JsonSerializer.SerializeToElement(claims));

    private static Dictionary<string, object> GitHub(string repository, string jobWorkflowRef, string? environment = null) => new()
    {
        ["sub"] = $"repo:{repository}:ref:refs/heads/main",
        ["repository"] = repository,
        ["repository_owner"] = repository.Split('/')[0],
        ["repository_owner_id"] = "42",
        ["job_workflow_ref"] = jobWorkflowRef,
        ["ref"] = "refs/heads/main",
        ["sha"] = "abc123",
        ["environment"] = environment ?? "",
    };

    [Fact]
    public void GitHub_publishers_are_normalized_and_checked()
    {
        var spec = Parse(new(PublisherKind.GitHub, Repository: " Acme/Widgets ", Workflow: ".github/workflows/release.yml", Environment: "PyPI"));
        Assert.Equal((OidcIssuers.GitHubUrl, "Acme/Widgets", "release.yml", "PyPI"), (spec.Issuer, spec.Repository, spec.WorkflowPath, spec.Environment));
        Assert.Equal(spec.KeyHash, Parse(new(PublisherKind.GitHub, Repository: "acme/widgets", Workflow: "release.yml", Environment: "pypi", OwnerId: "42")).KeyHash);
        Assert.NotEqual(spec.KeyHash, Parse(new(PublisherKind.GitHub, Repository: "acme/widgets", Workflow: "release.yml")).KeyHash);

        Assert.Contains("is not a GitHub repository", Error(new(PublisherKind.GitHub, Repository: "acme", Workflow: "release.yml")));
        Assert.Contains("is not a workflow file name", Error(new(PublisherKind.GitHub, Repository: "acme/w", Workflow: "../release.yml")));
        Assert.Contains("is not a GitHub owner id", Error(new(PublisherKind.GitHub, Repository: "acme/w", Workflow: "r.yml", OwnerId: "acme")));
        Assert.Contains("is not allowed for GitHub publishers", Error(new(PublisherKind.GitHub, Issuer: SelfManaged, Repository: "acme/w", Workflow: "r.yml")));
        Assert.Equal(Enterprise, Parse(new(PublisherKind.GitHub, Issuer: Enterprise + "/", Repository: "acme/w", Workflow: "r.yml")).Issuer);
    }

    [Fact]
    public void GitLab_and_generic_publishers_are_checked()
    {
        Assert.Equal(SelfManaged, Parse(new(PublisherKind.GitLab, Issuer: SelfManaged, Repository: "group/sub/project", Workflow: "ci/release.yml")).Issuer);
        Assert.Contains("is not a CI configuration path", Error(new(PublisherKind.GitLab, Repository: "group/project", Workflow: "ci/../../x.yml")));
        Assert.Contains("is not a GitLab project path", Error(new(PublisherKind.GitLab, Repository: "project", Workflow: ".gitlab-ci.yml")));

        var generic = Parse(new(PublisherKind.Oidc, Issuer: Jenkins, Claims: ["sub=job/x", "branch = main"]));
        Assert.Equal(["branch=main", "sub=job/x"], generic.RequiredClaims);
        Assert.Contains("needs at least one required claim", Error(new(PublisherKind.Oidc, Issuer: Jenkins)));
        Assert.Contains("checked by Bulwark itself", Error(new(PublisherKind.Oidc, Issuer: Jenkins, Claims: ["aud=anything"])));
        Assert.Contains("is not a claim requirement", Error(new(PublisherKind.Oidc, Issuer: Jenkins, Claims: ["sub"])));
        Assert.Contains("needs the issuer URL", Error(new(PublisherKind.Oidc)));
        Assert.Contains("is not allowed", Error(new(PublisherKind.Oidc, Issuer: "https://unknown.example.com", Claims: ["sub=x"])));
    }

    [Fact]
    public void GitHub_tokens_match_on_repository_workflow_ref_or_sha_and_environment()
    {
        var spec = Parse(new(PublisherKind.GitHub, Issuer: Enterprise, Repository: "acme/widgets", Workflow: "release.yml", Environment: "pypi"));
        Assert.Null(PublisherMatching.Mismatch(spec, Token(Enterprise, GitHub("Acme/Widgets", "Acme/Widgets/.github/workflows/release.yml@refs/heads/main", "PYPI")), "idx"));
        Assert.Null(PublisherMatching.Mismatch(spec, Token(Enterprise, GitHub("acme/widgets", "acme/widgets/.github/workflows/release.yml@abc123", "pypi")), "idx"));
        // A reusable workflow of another repository is not this repository's workflow.
        Assert.Contains("the job runs workflow", PublisherMatching.Mismatch(spec, Token(Enterprise, GitHub("acme/widgets", "evil/tools/.github/workflows/release.yml@refs/heads/main", "pypi")), "idx"));
        Assert.Contains("requires environment 'pypi'", PublisherMatching.Mismatch(spec, Token(Enterprise, GitHub("acme/widgets", "acme/widgets/.github/workflows/release.yml@abc123")), "idx"));
        var badSub = GitHub("acme/widgets", "acme/widgets/.github/workflows/release.yml@abc123", "pypi");
        badSub["sub"] = "repo:acme/widgets-fork:ref:refs/heads/main";
        Assert.Contains("is not for repository", PublisherMatching.Mismatch(spec, Token(Enterprise, badSub), "idx"));
        var candidates = PublisherMatching.CandidateKeys(Token(Enterprise, GitHub("ACME/widgets", "ACME/widgets/.github/workflows/release.yml@abc123", "pypi")));
        Assert.Contains(spec.KeyHash, candidates);
    }

    [Fact]
    public void GitLab_tokens_match_on_the_instance_host_the_project_and_the_CI_file()
    {
        var spec = Parse(new(PublisherKind.GitLab, Issuer: SelfManaged, Repository: "group/project", Workflow: ".gitlab-ci.yml"));
        Dictionary<string, object> Claims(string configRef) => new()
        {
            ["sub"] = "project_path:group/project:ref_type:branch:ref:main",
            ["project_path"] = "group/project",
            ["ci_config_ref_uri"] = configRef,
            ["ref_path"] = "refs/heads/main",
            ["sha"] = "abc123",
        };
        Assert.Null(PublisherMatching.Mismatch(spec, Token(SelfManaged, Claims("gitlab.example.com/group/project//.gitlab-ci.yml@refs/heads/main")), "idx"));
        Assert.Contains("the pipeline runs CI configuration", PublisherMatching.Mismatch(spec, Token(SelfManaged, Claims("gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main")), "idx"));
        Assert.Contains(spec.KeyHash, PublisherMatching.CandidateKeys(Token(SelfManaged, Claims("gitlab.example.com/group/project//.gitlab-ci.yml@refs/heads/main"))));
    }

    [Fact]
    public void Generic_tokens_must_carry_every_claim_and_the_publishers_audience()
    {
        var spec = Parse(new(PublisherKind.Oidc, Issuer: Jenkins, Audience: "jenkins", Claims: ["sub=job/x", "build=7"]));
        Assert.Null(PublisherMatching.Mismatch(spec, Token(Jenkins, new() { ["sub"] = "job/x", ["build"] = 7 }, "jenkins"), "idx"));
        Assert.Contains("audience is 'idx'", PublisherMatching.Mismatch(spec, Token(Jenkins, new() { ["sub"] = "job/x", ["build"] = 7 }, "idx"), "idx"));
        Assert.Contains("has no build claim", PublisherMatching.Mismatch(spec, Token(Jenkins, new() { ["sub"] = "job/x" }, "jenkins"), "idx"));
    }

    [Fact]
    public void Only_keys_that_can_sign_RS256_or_ES256_are_used()
    {
        using var rsa2048 = System.Security.Cryptography.RSA.Create(2048);
        using var rsa1024 = System.Security.Cryptography.RSA.Create(1024);
        using var p256 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        Assert.True(OidcKeySource.IsUsableSigningKey(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa2048))));
        Assert.True(OidcKeySource.IsUsableSigningKey(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(p256))));
        Assert.False(OidcKeySource.IsUsableSigningKey(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa1024))));
        Assert.False(OidcKeySource.IsUsableSigningKey(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(p384))));
        var encryption = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa2048));
        encryption.Use = "enc";
        Assert.False(OidcKeySource.IsUsableSigningKey(encryption));
        Assert.False(OidcKeySource.IsUsableSigningKey(new JsonWebKey { Kty = "oct", K = "c2VjcmV0" }));
    }
}
