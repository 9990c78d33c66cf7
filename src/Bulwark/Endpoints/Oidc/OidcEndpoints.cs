using System.Text.Json;
using Bulwark.Core.Outcomes;
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
        if (ReadToken(body) is not { } raw)
        {
            return Refused(MintFailure.Payload("the request body must be a JSON object with a string field \"token\" holding the identity token: {\"token\": \"<JWT>\"}"));
        }
        var outcome = await minting.MintAsync(raw, AudienceOf(options.Value, publicUrl), RequestActor.From(http), ct);
        if (!outcome.TryGetValue(out var minted, out var failure)) return Refused(failure);
        // The token is a secret: nothing on the way may keep a copy.
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new { success = true, token = minted.Token, expires = minted.Expires });
    }

    private static string? ReadToken(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("token", out var token)
                && token.ValueKind == JsonValueKind.String
                && token.GetString() is { Length: > 0 } value ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Warehouse's error body: every refusal of the exchange carries its code (see <see cref="MintFailure"/>).</summary>
    private static IResult Refused(Refusal failure) => Results.Json(
        new { message = "Token request failed", errors = new[] { new { code = failure.Code ?? MintFailure.InvalidPayload, description = failure.Message } } },
        statusCode: StatusCodes.Status422UnprocessableEntity);
}
