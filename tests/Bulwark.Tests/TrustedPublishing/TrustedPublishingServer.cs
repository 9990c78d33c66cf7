using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Core.TrustedPublishing;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.TrustedPublishing;

/// <summary>
/// A server that trusts the issuers of a <see cref="TestOidcIssuer"/> on loopback: <c>/github</c> read as GitHub
/// Actions (a GitHub Enterprise Server, in configuration terms), <c>/gitlab</c> as a self-managed GitLab, <c>/ci</c>
/// and <c>/liar</c> as generic issuers, and github.com's own issuer with its keys read from the test JWKS (the
/// air-gapped override). Secret-scanning reports are accepted with a configured key and with the keys the test
/// issuer lists. The clock is a fake one, started at the real time.
/// </summary>
public abstract class TrustedPublishingServer(DatabaseKind database) : BulwarkServer(database)
{
    public const string Audience = "bulwark-tests";
    public const string ConfiguredReporterKeyId = "configured-reporter";

    public TestOidcIssuer Issuer { get; private set; } = null!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public ECDsa ConfiguredReporterKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string GitHub => Issuer.Issuer("github");
    public string GitLab => Issuer.Issuer("gitlab");
    public string Ci => Issuer.Issuer("ci");

    protected override void OnStarting() => Issuer = TestOidcIssuer.StartAsync().GetAwaiter().GetResult();

    protected override async ValueTask OnStoppedAsync()
    {
        await Issuer.DisposeAsync();
        ConfiguredReporterKey.Dispose();
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Bulwark:TrustedPublishing:Audience", Audience),
        new("Bulwark:TrustedPublishing:Issuers:0:Url", GitHub),
        new("Bulwark:TrustedPublishing:Issuers:0:Provider", "GitHub"),
        new("Bulwark:TrustedPublishing:Issuers:1:Url", GitLab),
        new("Bulwark:TrustedPublishing:Issuers:1:Provider", "GitLab"),
        new("Bulwark:TrustedPublishing:Issuers:2:Url", Ci),
        new("Bulwark:TrustedPublishing:Issuers:3:Url", Issuer.Issuer("liar")),
        new("Bulwark:TrustedPublishing:Issuers:4:Url", OidcIssuers.GitHubUrl),
        new("Bulwark:TrustedPublishing:Issuers:4:JwksUrl", Issuer.JwksUrl),
        new("Bulwark:Secrets:Reporters:0:KeyId", ConfiguredReporterKeyId),
        new("Bulwark:Secrets:Reporters:0:PublicKeyPem", ConfiguredReporterKey.ExportSubjectPublicKeyInfoPem()),
        new("Bulwark:Secrets:KeysUrl", Issuer.ReporterKeysUrl),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>The settings an admin verb needs to reach this server's database, data directory and issuers.</summary>
    public IReadOnlyDictionary<string, string?> CliSettings
    {
        get
        {
            var settings = new Dictionary<string, string?> { ["Bulwark:DataDirectory"] = DataDirectory, ["Bulwark:Database"] = Database.ToString() };
            foreach (var (k, v) in Settings) settings[k] = v;
            var cs = Services.GetRequiredService<IConfiguration>().GetConnectionString("Bulwark");
            if (!string.IsNullOrEmpty(cs)) settings["ConnectionStrings:Bulwark"] = cs;
            return settings;
        }
    }

    /// <summary>Runs an admin verb in-process against this server's database.</summary>
    public async Task<(int Exit, string Out, string Err)> CliAsync(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await Bulwark.Cli.CommandLine.RunAsync(args, stdout, stderr, settings: CliSettings);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>POSTs <c>{"token": jwt}</c> to the exchange; the status and the parsed answer.</summary>
    public async Task<(int Status, JsonElement Body)> MintAsync(string jwt, string path = "/_/oidc/mint-token")
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync(path, new { token = jwt });
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Mints and returns the API token, failing the test with the server's answer otherwise.</summary>
    public async Task<string> MintOkAsync(string jwt)
    {
        var (status, body) = await MintAsync(jwt);
        Assert.True(status == 200, $"mint answered {status}: {body}");
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>A 422 in Warehouse's shape with one error of <paramref name="code"/> whose description contains the text.</summary>
    public static void AssertRefused(int status, JsonElement body, string code, string descriptionContains)
    {
        Assert.True(status == 422, $"expected 422, got {status}: {body}");
        Assert.Equal("Token request failed", body.GetProperty("message").GetString());
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(descriptionContains, error.GetProperty("description").GetString());
    }

    /// <summary>Uploads a small wheel of <paramref name="name"/> <paramref name="version"/> with <paramref name="token"/>.</summary>
    public async Task<HttpResponseMessage> UploadAsync(string token, string name, string version)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = UploadForm.For(new TestDistributions.Spec(name, version)).ToContent() };
        request.Headers.Authorization = UploadForm.TokenAuth(token);
        return await client.SendAsync(request);
    }

    /// <summary>An existing project (first upload by an automation account) with a human owner added.</summary>
    public async Task<(Project Project, User Owner)> ProjectWithOwnerAsync(string name)
    {
        var owner = await WithScopeAsync(async sp =>
        {
            var username = "own" + Guid.NewGuid().ToString("N")[..8];
            var created = await sp.GetRequiredService<UserService>().CreateAsync(username, $"{username}@example.com", "tundra velvet gossip 41", false, true, new Actor("test", "test"));
            return created.Value;
        });
        var response = await UploadAsync(await CreateTokenAsync("bot" + name[^8..]), name, "0.1");
        Assert.True(response.IsSuccessStatusCode, $"setup upload failed: {(int)response.StatusCode} {response.ReasonPhrase}");
        var project = await WithDbAsync(async db =>
        {
            var p = await db.Projects.SingleAsync(x => x.NormalizedName == ProjectName.Normalize(name));
            db.ProjectRoles.Add(new ProjectRole { ProjectId = p.Id, UserId = owner.Id, Role = ProjectRoleKind.Owner, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            return p;
        });
        return (project, owner);
    }

    /// <summary>Adds a publisher to a project as an operator would (no mandate), failing the test if refused.</summary>
    public Task AddPublisherAsync(Project project, PublisherSpec.Input input) =>
        WithScopeAsync(async sp =>
        {
            var (spec, error) = PublisherSpec.Parse(input, sp.GetRequiredService<OidcIssuers>());
            Assert.True(spec is not null, error);
            var result = await sp.GetRequiredService<PublisherManagement>().AddAsync(project, spec!, null, new Actor("test", "test"));
            Assert.True(result.Succeeded, result.Refusal?.Message);
            return true;
        });
}

public sealed class TrustedPublishingSqliteServer() : TrustedPublishingServer(DatabaseKind.Sqlite);

public sealed class TrustedPublishingPostgresServer() : TrustedPublishingServer(DatabaseKind.Postgres);
