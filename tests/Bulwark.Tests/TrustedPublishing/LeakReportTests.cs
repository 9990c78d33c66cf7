using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bulwark.Core.Audit;
using Bulwark.Core.TrustedPublishing;
using Bulwark.Endpoints.Secrets;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.TrustedPublishing;

/// <summary>
/// <c>POST /_/secrets/disclose-token</c> as GitHub's secret scanning calls it: a signed report revokes the tokens it
/// names before it is answered (the next upload is refused), the owner is told where it leaked, and a report whose
/// signature does not verify changes nothing.
/// </summary>
public abstract class LeakReportTests<TServer>(TServer server) where TServer : TrustedPublishingServer
{
    private const string LeakUrl = "https://github.com/acme/app/blob/0123abc/.pypirc";

    private static string UniqueName() => "leak-" + Guid.NewGuid().ToString("N")[..10];

    private static string Report(params string[] tokens) => JsonSerializer.Serialize(tokens.Select(t => new { token = t, type = "bulwark_api_token", url = LeakUrl, source = "content" }));

    private string SignConfigured(string body) =>
        Convert.ToBase64String(server.ConfiguredReporterKey.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    private async Task<HttpResponseMessage> PostAsync(string body, string keyId, string signature)
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_/secrets/disclose-token") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(DiscloseTokenEndpoint.KeyIdHeader, keyId);
        request.Headers.Add(DiscloseTokenEndpoint.SignatureHeader, signature);
        return await client.SendAsync(request);
    }

    private Task<HttpResponseMessage> UploadAsync(string token, string name, string version) => server.UploadAsync(token, name, version);

    private Task<bool> IsRevokedAsync(string token)
    {
        Assert.True(Core.Accounts.ApiTokens.ApiTokenFormat.TryParse(token, out var id, out _));
        return server.WithDbAsync(async db => (await db.ApiTokens.SingleAsync(t => t.Id == id)).RevokedAt is not null);
    }

    [Fact]
    public async Task A_signed_report_revokes_the_token_before_answering_and_the_next_upload_is_refused()
    {
        var name = UniqueName();
        var user = "u" + name[^8..];
        var token = await server.CreateTokenAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(token, name, "1.0")).StatusCode);

        var body = Report(token);
        var response = await PostAsync(body, TrustedPublishingServer.ConfiguredReporterKeyId, SignConfigured(body));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await IsRevokedAsync(token));
        var refused = await UploadAsync(token, name, "1.1");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Invalid API Token: the token has been revoked. Create a new token.", refused.ReasonPhrase);

        var leaked = await server.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Type == AuditEventType.TokenLeaked && e.Details!.Contains(LeakUrl) && e.UserId == db.Users.Single(u => u.Username == user).Id));
        Assert.Contains(TrustedPublishingServer.ConfiguredReporterKeyId, leaked.Details);
        var mail = await PickupMail.WaitForAsync(server, $"{user}@example.com", "Your API token was found in public and revoked");
        Assert.Contains(LeakUrl, mail.TextBody);
    }

    [Fact]
    public async Task A_report_signed_with_a_key_from_the_scanners_key_list_is_accepted()
    {
        var token = await server.CreateTokenAsync("u" + UniqueName()[^8..]);
        var body = Report(token);
        var response = await PostAsync(body, server.Issuer.ReporterKeyId, server.Issuer.SignReport(body));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await IsRevokedAsync(token));
        Assert.True(server.Issuer.Hits("/meta/public_keys/secret_scanning") >= 1);
    }

    [Fact]
    public async Task A_report_with_a_bad_signature_changes_nothing()
    {
        var name = UniqueName();
        var token = await server.CreateTokenAsync("u" + name[^8..]);
        var body = Report(token);
        // Signed, but over another body (a tampered report).
        var tampered = await PostAsync(body, TrustedPublishingServer.ConfiguredReporterKeyId, SignConfigured(body + " "));
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        // A valid signature under a key id nobody configured.
        var unknownKey = await PostAsync(body, "not-a-reporter", SignConfigured(body));
        Assert.Equal(HttpStatusCode.BadRequest, unknownKey.StatusCode);
        // No signature at all.
        var unsigned = await PostAsync(body, TrustedPublishingServer.ConfiguredReporterKeyId, "");
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);

        Assert.False(await IsRevokedAsync(token));
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(token, name, "1.0")).StatusCode);
        Assert.False(await server.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEventType.TokenLeaked && e.Details!.Contains(name))));
    }

    [Theory]
    [InlineData("{\"token\": \"x\"}")]
    [InlineData("not json")]
    public async Task A_signed_report_that_is_not_an_array_is_400(string body)
    {
        var response = await PostAsync(body, TrustedPublishingServer.ConfiguredReporterKeyId, SignConfigured(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("JSON array", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Strings_that_are_not_live_tokens_are_acknowledged_and_ignored()
    {
        var token = await server.CreateTokenAsync("u" + UniqueName()[^8..]);
        // Same id, another secret: a report cannot revoke a token it does not hold.
        var guessed = token[..^20] + new string('A', 12) + token[^8..];
        var body = JsonSerializer.Serialize(new object[]
        {
            new { token = "pypi-AgEIcHlwaS5vcmc", type = "pypi_api_token", url = LeakUrl },
            new { token = guessed, type = "bulwark_api_token", url = LeakUrl },
            new { token = "bulwark_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA00000000", type = "bulwark_api_token", url = LeakUrl },
            new { type = "bulwark_api_token", url = LeakUrl },
            "not an object",
        });
        var response = await PostAsync(body, TrustedPublishingServer.ConfiguredReporterKeyId, SignConfigured(body));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await IsRevokedAsync(token));
    }

    [Fact]
    public async Task A_leaked_publishing_token_is_revoked_and_the_projects_owners_are_told()
    {
        var name = UniqueName();
        var (project, owner) = await server.ProjectWithOwnerAsync(name);
        await server.AddPublisherAsync(project, new PublisherSpec.Input(PublisherKind.GitHub, server.GitHub, "acme/" + name, "release.yml"));
        var minted = await server.MintOkAsync(server.Issuer.SignRs256(
            TestOidcIssuer.GitHubClaims(server.GitHub, TrustedPublishingServer.Audience, "acme/" + name, "release.yml", now: server.Clock.GetUtcNow())));

        var body = Report(minted);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(body, TrustedPublishingServer.ConfiguredReporterKeyId, SignConfigured(body))).StatusCode);

        Assert.True(await IsRevokedAsync(minted));
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(minted, name, "1.0")).StatusCode);
        var mail = await PickupMail.WaitForAsync(server, owner.Email, $"A publishing token of {name} was found in public and revoked");
        Assert.Contains(LeakUrl, mail.TextBody);
        Assert.Contains("acme/" + name, mail.TextBody);
    }
}

public sealed class LeakReportTestsSqlite(TrustedPublishingSqliteServer server) : LeakReportTests<TrustedPublishingSqliteServer>(server), IClassFixture<TrustedPublishingSqliteServer>;

public sealed class LeakReportTestsPostgres(TrustedPublishingPostgresServer server) : LeakReportTests<TrustedPublishingPostgresServer>(server), IClassFixture<TrustedPublishingPostgresServer>;
