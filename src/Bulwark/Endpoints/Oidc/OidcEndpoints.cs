using System.Text.Json;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Text;
using Bulwark.Core.TrustedPublishing;
using Bulwark.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Endpoints.Oidc;

/// <summary>
/// Trusted Publishing's token exchange, shaped as Warehouse's so CI tooling that publishes to PyPI (for example
/// pypa/gh-action-pypi-publish) works by changing only the index URL: <c>GET /_/oidc/audience</c> tells the client
/// which audience to request, <c>POST /_/oidc/mint-token</c> exchanges the identity token for an API token, and
/// refusals are 422 with <c>{"message": "Token request failed", "errors": [{"code", "description"}]}</c>.
/// </summary>
public static class OidcEndpoints
{
    /// <summary>A JWT is bounded by <see cref="OidcTokenValidator.MaxTokenLength"/>; the JSON around it is small.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    public static void MapTrustedPublishing(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_/oidc/audience", Audience);
        app.MapPost("/_/oidc/mint-token", MintAsync).DisableAntiforgery();
        // The path older releases of pypa/gh-action-pypi-publish post to; Warehouse keeps it too.
        app.MapPost("/_/oidc/github/mint-token", MintAsync).DisableAntiforgery();
    }

    /// <summary>The audience identity tokens must carry: configured, or the host name of the public URL.</summary>
    public static string AudienceOf(TrustedPublishingOptions options, PublicUrl publicUrl) =>
        string.IsNullOrWhiteSpace(options.Audience) ? publicUrl.Uri.Host : options.Audience.Trim();

    private static IResult Audience(IOptions<TrustedPublishingOptions> options, PublicUrl publicUrl) =>
        options.Value.Enabled
            ? Results.Json(new { audience = AudienceOf(options.Value, publicUrl) })
            : Results.Json(new { message = "Trusted publishing functionality not enabled" }, statusCode: StatusCodes.Status403Forbidden);

    private static async Task<IResult> MintAsync(HttpContext http, TokenMinting minting, IOptions<TrustedPublishingOptions> options, PublicUrl publicUrl)
    {
        var ct = http.RequestAborted;
        var body = await BoundedBody.ReadAsync(http, MaxBodyBytes, ct);
        if (body is null) return Refused(MintFailure.Payload($"the request body is larger than {MaxBodyBytes} bytes"));
        var (raw, problem) = ReadToken(body);
        if (raw is null)
        {
            return Refused(MintFailure.Payload(problem is null
                ? "the request body must be a JSON object with a string field \"token\" holding the identity token: {\"token\": \"<JWT>\"}"
                : $"the request body's {problem}"));
        }
        var outcome = await minting.MintAsync(raw, AudienceOf(options.Value, publicUrl), RequestActor.From(http), ct);
        if (!outcome.TryGetValue(out var minted, out var failure)) return Refused(failure);
        // The token is a secret: nothing on the way may keep a copy.
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new { success = true, token = minted.Token, expires = minted.Expires });
    }

    /// <summary>The token, or null and (for a string that is not text) a sentence naming the problem.</summary>
    private static (string? Token, string? Problem) ReadToken(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var problem = JsonText.TryGetProperty(doc.RootElement, "token", out var value);
            if (problem is JsonTextProblem.NotUnicode or JsonTextProblem.Nul) return (null, JsonText.Describe(problem, "token"));
            return (problem == JsonTextProblem.None && value is { Length: > 0 } ? value : null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>Warehouse's error body: every refusal of the exchange carries its code (see <see cref="MintFailure"/>).</summary>
    private static IResult Refused(Refusal failure) => Results.Json(
        new { message = "Token request failed", errors = new[] { new { code = failure.Code ?? MintFailure.InvalidPayload, description = failure.Message } } },
        statusCode: StatusCodes.Status422UnprocessableEntity);
}
