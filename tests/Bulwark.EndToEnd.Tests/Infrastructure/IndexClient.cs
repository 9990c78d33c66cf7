using System.Net;
using System.Text.Json;
using Xunit.Sdk;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>One file as the PEP 691 JSON simple page lists it.</summary>
public sealed record SimpleFile(string Filename, Uri Url, string? Sha256, string? RequiresPython, JsonElement Yanked, JsonElement CoreMetadata)
{
    /// <summary>PEP 714 <c>core-metadata</c>: <c>true</c> or a hashes object when a metadata file exists.</summary>
    public bool HasCoreMetadata => CoreMetadata.ValueKind is JsonValueKind.True or JsonValueKind.Object;

    public string? CoreMetadataSha256 =>
        CoreMetadata.ValueKind == JsonValueKind.Object && CoreMetadata.TryGetProperty("sha256", out var sha) ? sha.GetString() : null;

    public bool IsYanked => Yanked.ValueKind is JsonValueKind.True or JsonValueKind.String;
    public string? YankedReason => Yanked.ValueKind == JsonValueKind.String ? Yanked.GetString() : null;
}

/// <summary>Reads the server's state the way clients see it: the simple API (PEP 503/691) and the JSON API.</summary>
public sealed class IndexClient(LiveServer server) : IDisposable
{
    private const string SimpleJson = "application/vnd.pypi.simple.v1+json";
    private readonly HttpClient _http = server.CreateHttpClient();

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string pathOrUrl, string accept = "*/*")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathOrUrl);
        request.Headers.Accept.ParseAdd(accept);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<byte[]> DownloadAsync(Uri url)
    {
        using var response = await _http.GetAsync(url);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new XunitException($"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary><c>GET /pypi/NAME/json</c>, which must answer 200.</summary>
    public async Task<JsonElement> ProjectJsonAsync(string name)
    {
        var (status, body) = await GetAsync($"pypi/{name}/json", "application/json");
        if (status != HttpStatusCode.OK) throw new XunitException($"GET /pypi/{name}/json answered {(int)status}:\n{body}\n{server.Diagnostics()}");
        return Parse(body, $"/pypi/{name}/json");
    }

    /// <summary>Files of one release from the JSON API: filename → sha256.</summary>
    public async Task<Dictionary<string, string>> ReleaseFilesAsync(string name, string version)
    {
        var json = await ProjectJsonAsync(name);
        if (!json.GetProperty("releases").TryGetProperty(version, out var files))
        {
            throw new XunitException($"/pypi/{name}/json has no release {version}:\n{json}");
        }
        return files.EnumerateArray().ToDictionary(f => f.GetProperty("filename").GetString()!, f => f.GetProperty("digests").GetProperty("sha256").GetString()!);
    }

    /// <summary><c>GET /simple/NAME/</c> as PEP 691 JSON, which must answer 200.</summary>
    public async Task<IReadOnlyList<SimpleFile>> SimpleFilesAsync(string name)
    {
        var path = $"simple/{name}/";
        var (status, body) = await GetAsync(path, SimpleJson);
        if (status != HttpStatusCode.OK) throw new XunitException($"GET /{path} answered {(int)status}:\n{body}\n{server.Diagnostics()}");
        var page = new Uri(server.BaseUri, path);
        return Parse(body, path).GetProperty("files").EnumerateArray().Select(f => new SimpleFile(
            f.GetProperty("filename").GetString()!,
            new Uri(page, f.GetProperty("url").GetString()!),
            f.TryGetProperty("hashes", out var h) && h.TryGetProperty("sha256", out var sha) ? sha.GetString() : null,
            f.TryGetProperty("requires-python", out var rp) && rp.ValueKind == JsonValueKind.String ? rp.GetString() : null,
            f.TryGetProperty("yanked", out var y) ? y.Clone() : default,
            f.TryGetProperty("core-metadata", out var cm) ? cm.Clone() : default)).ToList();
    }

    /// <summary><c>GET /simple/NAME/</c> as PEP 503 HTML (what a browser or an old pip asks for).</summary>
    public async Task<string> SimpleHtmlAsync(string name)
    {
        var path = $"simple/{name}/";
        var (status, body) = await GetAsync(path, "text/html");
        if (status != HttpStatusCode.OK) throw new XunitException($"GET /{path} (HTML) answered {(int)status}:\n{body}\n{server.Diagnostics()}");
        return body;
    }

    private static JsonElement Parse(string body, string what)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new XunitException($"{what} is not JSON ({e.Message}):\n{body}");
        }
    }

    public void Dispose() => _http.Dispose();
}
