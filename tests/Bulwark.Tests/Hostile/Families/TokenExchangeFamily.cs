using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// The unauthenticated endpoints of Trusted Publishing and the leak response: the token exchange
/// (<c>/_/oidc/mint-token</c>, 422 with Warehouse's error codes) and the secret-scanning report
/// (<c>/_/secrets/disclose-token</c>, 400 unless signed). Malformed, oversized and deeply nested bodies, tokens that
/// are not JWTs, and unsigned reports must each be refused with the reason, before any key is fetched.
/// </summary>
[HostileFamily]
public static class TokenExchangeFamily
{
    private const string F = "token-exchange";

    public static IEnumerable<HostileCase> Cases()
    {
        static HttpRequestMessage Mint(string body) => Raw("/_/oidc/mint-token", Encoding.UTF8.GetBytes(body));
        static string Jwt(string header, string payload, string signature = "") =>
            Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload) + "." + signature;
        var invalidPayload = HostileExpectation.Status("invalid-payload", 422);

        yield return new(F, "mint-empty-body", _ => Mint(""), invalidPayload);
        yield return new(F, "mint-json-array", _ => Mint("[\"eyJ.eyJ.x\"]"), invalidPayload);
        yield return new(F, "mint-token-is-a-number", _ => Mint("{\"token\": 12345}"), HostileExpectation.Status("\\\"token\\\"", 422));
        yield return new(F, "mint-token-is-null", _ => Mint("{\"token\": null}"), invalidPayload);
        yield return new(F, "mint-deeply-nested-json", _ => Mint("{\"token\": " + new string('[', 5000) + new string(']', 5000) + "}"), invalidPayload);
        yield return new(F, "mint-body-over-limit", _ => Mint("{\"token\": \"" + new string('a', 200_000) + "\"}"), HostileExpectation.Status("larger than", 422));
        yield return new(F, "mint-token-over-limit", _ => Mint("{\"token\": \"" + new string('a', 20_000) + "\"}"), HostileExpectation.Status("longer than", 422));
        yield return new(F, "mint-not-a-jwt", _ => Mint("{\"token\": \"not-a-jwt\"}"), HostileExpectation.Status("malformed JWT", 422));
        yield return new(F, "mint-invalid-utf8", _ => Raw("/_/oidc/mint-token", [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), invalidPayload);
        yield return new(F, "mint-payload-not-json", _ => Mint("{\"token\": \"" + Jwt("{\"alg\":\"RS256\"}", "not json at all") + "\"}"), HostileExpectation.Status("malformed JWT", 422));
        yield return new(F, "mint-payload-is-an-array", _ => Mint("{\"token\": \"" + Jwt("{\"alg\":\"RS256\"}", "[1,2,3]") + "\"}"), HostileExpectation.Status("malformed JWT", 422));
        yield return new(F, "mint-encrypted-jwe", _ => Mint("{\"token\": \"" + Base64UrlEncoder.Encode("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}") + ".a.b.c.d\"}"), invalidPayload);
        yield return new(F, "mint-alg-none-from-an-unknown-issuer", _ => Mint("{\"token\": \"" +
            Jwt("{\"alg\":\"none\"}", "{\"iss\":\"https://evil.example.com\",\"aud\":\"localhost\",\"exp\":4102444800,\"iat\":1,\"jti\":\"x\"}") + "\"}"),
            HostileExpectation.Status("unknown trusted publishing issuer", 422));
        yield return new(F, "mint-issuer-is-not-a-string", _ => Mint("{\"token\": \"" + Jwt("{\"alg\":\"RS256\"}", "{\"iss\":{\"url\":\"x\"}}") + "\"}"),
            HostileExpectation.Status("malformed JWT", 422));
        yield return new(F, "mint-exp-out-of-range", _ => Mint("{\"token\": \"" + Jwt("{\"alg\":\"RS256\",\"kid\":\"k\"}", "{\"iss\":\"https://gitlab.example.org\",\"exp\":1e308}") + "\"}"),
            HostileExpectation.Status("malformed JWT", 422));

        // Strings JsonDocument parses but GetString cannot decode (or PostgreSQL cannot hold) answered 500.
        yield return new(F, "mint-token-lone-high-surrogate", _ => Mint("{\"token\": \"\\ud800\"}"), HostileExpectation.Status("not valid Unicode", 422));
        yield return new(F, "mint-token-lone-low-surrogate", _ => Mint("{\"token\": \"\\udc00abc\"}"), HostileExpectation.Status("not valid Unicode", 422));
        yield return new(F, "mint-token-surrogates-reversed", _ => Mint("{\"token\": \"\\udc00\\ud800\"}"), HostileExpectation.Status("not valid Unicode", 422));
        yield return new(F, "mint-token-invalid-utf8-in-string", _ => Raw("/_/oidc/mint-token", [.. Encoding.ASCII.GetBytes("{\"token\": \""), 0xFF, 0xFE, .. Encoding.ASCII.GetBytes("\"}")]),
            HostileExpectation.Status("not valid Unicode", 422));
        yield return new(F, "mint-token-overlong-utf8-in-string", _ => Raw("/_/oidc/github/mint-token", [.. Encoding.ASCII.GetBytes("{\"token\": \"a"), 0xC0, 0xAF, .. Encoding.ASCII.GetBytes("\"}")]),
            HostileExpectation.Status("not valid Unicode", 422));
        yield return new(F, "mint-token-nul-escape", _ => Mint("{\"token\": \"a.b.c\\u0000\"}"), HostileExpectation.Status("NUL character", 422));
        yield return new(F, "mint-issuer-claim-lone-surrogate", _ => Mint("{\"token\": \"" + Jwt("{\"alg\":\"RS256\",\"kid\":\"k\"}", "{\"iss\":\"\\ud800\"}") + "\"}"),
            HostileExpectation.Status("malformed JWT", 422));

        yield return new(F, "disclose-unsigned", _ => Disclose("[]", keyId: null, signature: null), HostileExpectation.Status("signature", 400));
        yield return new(F, "disclose-signature-not-base64", _ => Disclose("[]", "some-key", "!!!"), HostileExpectation.Status("signature", 400));
        yield return new(F, "disclose-key-id-over-limit", _ => Disclose("[]", new string('k', 5000), "AAAA"), HostileExpectation.Status("signature", 400));
        yield return new(F, "disclose-body-over-limit", _ => Disclose("[" + string.Join(',', Enumerable.Repeat("{\"token\":\"x\",\"type\":\"t\",\"url\":\"u\"}", 40_000)) + "]", "k", "AAAA"),
            HostileExpectation.Status("larger than", 400));
    }

    private static HttpRequestMessage Raw(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    private static HttpRequestMessage Disclose(string body, string? keyId, string? signature)
    {
        var request = Raw("/_/secrets/disclose-token", Encoding.UTF8.GetBytes(body));
        if (keyId is not null) request.Headers.TryAddWithoutValidation("GITHUB-PUBLIC-KEY-IDENTIFIER", keyId);
        if (signature is not null) request.Headers.TryAddWithoutValidation("GITHUB-PUBLIC-KEY-SIGNATURE", signature);
        return request;
    }
}
