using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// OpenID Connect issuers on a loopback port, standing in for GitHub's, GitLab's or any other: each path
/// (<c>/github</c>, <c>/gitlab</c>, <c>/ci</c>...) is an issuer with a discovery document, all sharing one JWKS
/// with an RSA key (RS256) and an EC P-256 key (ES256); tokens are signed with either. The issuer
/// <c>/liar</c> serves a discovery document that names another issuer. It also serves a secret
/// scanner's public key list in GitHub's format, with a P-256 key <see cref="SignReport"/> signs with. Keys can be
/// rotated to test the key cache; every request is counted by path.
/// </summary>
public sealed class TestOidcIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly ECDsa _reporterKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private TestOidcIssuer(WebApplication app)
    {
        _app = app;
        Url = app.Urls.First().TrimEnd('/');
    }

    /// <summary>The server: <c>http://127.0.0.1:PORT</c>.</summary>
    public string Url { get; }

    /// <summary>The issuer at <paramref name="path"/>, as its tokens carry it in <c>iss</c>.</summary>
    public string Issuer(string path) => Url + "/" + path;

    public RsaSecurityKey Rsa { get; private set; } = NewRsa("rsa-1");
    public ECDsaSecurityKey Ec { get; } = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" };

    /// <summary>The reporter key id the secret-scanning key list publishes.</summary>
    public string ReporterKeyId { get; } = "reporter-" + Guid.NewGuid().ToString("N")[..8];

    public string ReporterPublicKeyPem => _reporterKey.ExportSubjectPublicKeyInfoPem();

    public string JwksUrl => Url + "/jwks";

    /// <summary>What a CI runner's identity-token endpoint hands out, per requested audience (null: nothing).</summary>
    public Func<string, string>? ActionsTokenFactory { get; set; }

    public string ActionsRequestToken { get; } = Guid.NewGuid().ToString("N");

    /// <summary>As GitHub sets <c>ACTIONS_ID_TOKEN_REQUEST_URL</c>: clients append <c>&amp;audience=...</c>.</summary>
    public string ActionsTokenUrl => Url + "/actions/idtoken?api-version=2.0";
    public string ReporterKeysUrl => Url + "/meta/public_keys/secret_scanning";

    public static async Task<TestOidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        TestOidcIssuer? issuer = null;
        app.Use(async (ctx, next) =>
        {
            lock (issuer!._hits) issuer._hits[ctx.Request.Path.Value ?? ""] = issuer.Hits(ctx.Request.Path.Value ?? "") + 1;
            await next(ctx);
        });
        app.MapGet("/{tenant}/.well-known/openid-configuration", (string tenant) =>
            Results.Json(new { issuer = issuer!.Issuer(tenant == "liar" ? "someone-else" : tenant), jwks_uri = issuer.JwksUrl }));
        // GitHub Actions' runner endpoint for identity tokens: ACTIONS_ID_TOKEN_REQUEST_URL (+ "&audience=..."),
        // with ACTIONS_ID_TOKEN_REQUEST_TOKEN as bearer.
        app.MapGet("/actions/idtoken", (HttpRequest request, string? audience) =>
            request.Headers.Authorization.ToString() == "bearer " + issuer!.ActionsRequestToken && issuer.ActionsTokenFactory is { } factory && audience is not null
                ? Results.Json(new { count = 1, value = factory(audience) })
                : Results.Unauthorized());
        app.MapGet("/jwks", () => Results.Text(issuer!.JwksJson(), "application/json"));
        app.MapGet("/meta/public_keys/secret_scanning", () => Results.Json(new
        {
            public_keys = new[] { new { key_identifier = issuer!.ReporterKeyId, key = issuer.ReporterPublicKeyPem, is_current = true } },
        }));
        await app.StartAsync();
        issuer = new TestOidcIssuer(app);
        return issuer;
    }

    public int Hits(string path) { lock (_hits) return _hits.GetValueOrDefault(path); }

    /// <summary>Replaces the RSA key with a new one under a new key id (the old one leaves the JWKS).</summary>
    public RsaSecurityKey RotateRsa(string kid)
    {
        Rsa = NewRsa(kid);
        return Rsa;
    }

    /// <summary>A compact JWS of <paramref name="claims"/> signed with <paramref name="key"/> (default: the RSA key).</summary>
    public static string Sign(IDictionary<string, object> claims, SecurityKey key, string algorithm)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>(claims),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    public string SignRs256(IDictionary<string, object> claims) => Sign(claims, Rsa, SecurityAlgorithms.RsaSha256);
    public string SignEs256(IDictionary<string, object> claims) => Sign(claims, Ec, SecurityAlgorithms.EcdsaSha256);

    /// <summary>An unsigned token (<c>alg: none</c>) naming the issuer's RSA key id.</summary>
    public string Unsigned(IDictionary<string, object> claims) =>
        Base64UrlEncoder.Encode(JsonSerializer.Serialize(new { alg = "none", typ = "JWT", kid = Rsa.KeyId })) + "."
        + Base64UrlEncoder.Encode(JsonSerializer.Serialize(claims)) + ".";

    /// <summary>The registered claims every CI token carries: issuer, audience, a fresh jti, valid for five minutes from <paramref name="now"/>.</summary>
    public static Dictionary<string, object> Registered(string issuer, string audience, DateTimeOffset? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        return new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = at.ToUnixTimeSeconds(),
            ["nbf"] = at.ToUnixTimeSeconds(),
            ["exp"] = at.AddMinutes(5).ToUnixTimeSeconds(),
        };
    }

    /// <summary>
    /// Claims as GitHub Actions writes them for a job of <paramref name="workflow"/> in <paramref name="repository"/>.
    /// </summary>
    public static Dictionary<string, object> GitHubClaims(string issuer, string audience, string repository, string workflow, string? environment = null,
        DateTimeOffset? now = null, string ownerId = "4242", string gitRef = "refs/tags/v1.0")
    {
        var owner = repository.Split('/')[0];
        var claims = new Dictionary<string, object>(Registered(issuer, audience, now))
        {
            ["sub"] = environment is null ? $"repo:{repository}:ref:{gitRef}" : $"repo:{repository}:environment:{environment}",
            ["repository"] = repository,
            ["repository_owner"] = owner,
            ["repository_owner_id"] = ownerId,
            ["repository_id"] = "98765",
            ["job_workflow_ref"] = $"{repository}/.github/workflows/{workflow}@{gitRef}",
            ["workflow_ref"] = $"{repository}/.github/workflows/{workflow}@{gitRef}",
            ["ref"] = gitRef,
            ["sha"] = "0123456789abcdef0123456789abcdef01234567",
            ["run_id"] = "7000001",
            ["run_attempt"] = "1",
            ["event_name"] = "push",
        };
        if (environment is not null) claims["environment"] = environment;
        return claims;
    }

    /// <summary>Claims as GitLab CI writes them for a pipeline of <paramref name="projectPath"/> run from <paramref name="ciConfig"/>.</summary>
    public static Dictionary<string, object> GitLabClaims(string issuer, string audience, string projectPath, string ciConfig, string? environment = null, DateTimeOffset? now = null)
    {
        var host = new Uri(issuer).Authority;
        var claims = new Dictionary<string, object>(Registered(issuer, audience, now))
        {
            ["sub"] = $"project_path:{projectPath}:ref_type:tag:ref:v1.0",
            ["project_path"] = projectPath,
            ["namespace_path"] = projectPath[..projectPath.LastIndexOf('/')],
            ["ci_config_ref_uri"] = $"{host}/{projectPath}//{ciConfig}@refs/tags/v1.0",
            ["ref_path"] = "refs/tags/v1.0",
            ["sha"] = "89abcdef0123456789abcdef0123456789abcdef",
            ["pipeline_id"] = "555",
        };
        if (environment is not null) claims["environment"] = environment;
        return claims;
    }

    /// <summary>The DER ECDSA P-256/SHA-256 signature of <paramref name="body"/>, base64, as GitHub's scanner sends it.</summary>
    public string SignReport(string body) =>
        Convert.ToBase64String(_reporterKey.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    private string JwksJson()
    {
        var keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(Rsa), JsonWebKeyConverter.ConvertFromECDsaSecurityKey(Ec) }
            .Select(k => new Dictionary<string, string?>
            {
                ["kid"] = k.Kid, ["kty"] = k.Kty, ["use"] = "sig", ["n"] = k.N, ["e"] = k.E, ["crv"] = k.Crv, ["x"] = k.X, ["y"] = k.Y,
            }.Where(p => p.Value is not null).ToDictionary());
        return JsonSerializer.Serialize(new { keys });
    }

    private static RsaSecurityKey NewRsa(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _reporterKey.Dispose();
    }
}
