using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Bulwark.Tests.Infrastructure;

/// <summary>HTTP helpers for read-path tests.</summary>
public static class HttpTestExtensions
{
    /// <summary>What pip 23 sends for index pages (seen on the wire).</summary>
    public const string PipAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

    /// <summary>A client that shows redirects instead of following them.</summary>
    public static HttpClient CreateRawClient(this BulwarkServer server) =>
        server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public static Task<HttpResponseMessage> GetWithAcceptAsync(this HttpClient client, string url, string? accept, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        configure?.Invoke(request);
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return doc.RootElement.Clone();
    }

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var v) ? string.Join(", ", v)
        : response.Content.Headers.TryGetValues(name, out var c) ? string.Join(", ", c)
        : null;

    public static string? MediaType(this HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType;

    public static void IfNoneMatch(this HttpRequestMessage request, string etag) => request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
}
