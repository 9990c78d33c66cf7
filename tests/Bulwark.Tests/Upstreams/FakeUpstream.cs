using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Tests.Upstreams;

/// <summary>One file an upstream lists: the bytes it lists the hash of, and the bytes it actually sends.</summary>
public sealed record UpstreamTestFile(string Filename, byte[] Listed, string? Metadata = null, string? RequiresPython = null, string? Yanked = null)
{
    /// <summary>What the file host sends; by default the listed bytes (set other bytes to play a tampered mirror).</summary>
    public byte[]? Served { get; init; }
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Listed));
}

/// <summary>
/// A small PEP 691 index on a loopback port, the upstream of the proxy tests: JSON pages with ETags (304 on
/// If-None-Match), an HTML form for clients that do not ask for JSON, files and their metadata at
/// <c>/files/&lt;filename&gt;</c>. It counts requests, can be slowed down or switched to 503.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, List<UpstreamTestFile>> _projects = new();
    private readonly ConcurrentDictionary<string, int> _fileRequests = new();
    private readonly ConcurrentDictionary<string, int> _pageRequests = new();
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";
    public string SimpleUrl => BaseUrl + "simple/";

    /// <summary>Answer every request with 503.</summary>
    public bool Down { get => Volatile.Read(ref _down); set => Volatile.Write(ref _down, value); }

    private bool _down;

    /// <summary>Wait this long before answering files (to let concurrent first requests pile up).</summary>
    public TimeSpan FileDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Wait this long before answering pages (a slow upstream).</summary>
    public ConcurrentDictionary<string, TimeSpan> PageDelays { get; } = new();

    public void Add(string name, params UpstreamTestFile[] files) =>
        _projects.AddOrUpdate(name, [.. files], (_, list) => [.. list, .. files]);

    /// <summary>A real wheel of <paramref name="name"/> at <paramref name="version"/>, with its metadata file.</summary>
    public UpstreamTestFile AddWheel(string name, string version, string? requiresPython = null, string? yanked = null)
    {
        var spec = new TestDistributions.Spec(name, version) { RequiresPython = requiresPython };
        var file = new UpstreamTestFile(spec.WheelFilename, TestDistributions.Wheel(spec), TestDistributions.Metadata(spec), requiresPython, yanked);
        Add(name, file);
        return file;
    }

    /// <summary>Serve the legacy JSON API at <c>/pypi/&lt;name&gt;/json</c> (PyPI's layout); off: 404 there.</summary>
    public bool JsonApi { get; set; } = true;

    /// <summary>JSON API requests received, per project.</summary>
    public int JsonRequests(string name) => _jsonRequests.GetValueOrDefault(name);

    private readonly ConcurrentDictionary<string, int> _jsonRequests = new();

    public int FileRequests(string filename) => _fileRequests.GetValueOrDefault(filename);
    public int PageRequests(string name) => _pageRequests.GetValueOrDefault(name);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/simple/{name}/", PageAsync);
        _app.MapGet("/files/{filename}", FileAsync);
        _app.MapGet("/pypi/{name}/json", (string name) => ProjectJson(name, null));
        _app.MapGet("/pypi/{name}/{version}/json", (string name, string version) => ProjectJson(name, version));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.TrimEnd('/') + "/";
    }

    private async Task<IResult> PageAsync(string name, HttpContext context)
    {
        _pageRequests.AddOrUpdate(name, 1, (_, n) => n + 1);
        if (PageDelays.TryGetValue(name, out var delay)) await Task.Delay(delay);
        if (Down) return Results.StatusCode(503);
        if (!_projects.TryGetValue(name, out var files)) return Results.NotFound();
        var json = context.Request.Headers.Accept.ToString().Contains("application/vnd.pypi.simple.v1+json", StringComparison.Ordinal);
        var body = json ? Json(name, files) : Html(files);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)))[..16] + "\"";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.ToString() == etag) return Results.StatusCode(304);
        return Results.Text(body, json ? "application/vnd.pypi.simple.v1+json" : "text/html");
    }

    private async Task<IResult> FileAsync(string filename)
    {
        _fileRequests.AddOrUpdate(filename, 1, (_, n) => n + 1);
        if (FileDelay > TimeSpan.Zero) await Task.Delay(FileDelay);
        if (Down) return Results.StatusCode(503);
        foreach (var file in _projects.Values.SelectMany(f => f))
        {
            if (file.Filename == filename) return Results.Bytes(file.Served ?? file.Listed, "application/octet-stream");
            if (file.Metadata is not null && file.Filename + ".metadata" == filename) return Results.Text(file.Metadata);
        }
        return Results.NotFound();
    }

    private string Json(string name, List<UpstreamTestFile> files) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["meta"] = new Dictionary<string, object> { ["api-version"] = "1.1" },
        ["name"] = name,
        ["versions"] = Array.Empty<string>(),
        ["files"] = files.Select(f => new Dictionary<string, object?>
        {
            ["filename"] = f.Filename,
            ["url"] = $"{BaseUrl}files/{f.Filename}",
            ["hashes"] = new Dictionary<string, string> { ["sha256"] = f.Sha256 },
            ["requires-python"] = f.RequiresPython,
            ["yanked"] = f.Yanked is null ? false : f.Yanked,
            ["core-metadata"] = f.Metadata is null ? false : new Dictionary<string, string> { ["sha256"] = MetadataSha(f) },
            ["size"] = f.Listed.Length,
            ["upload-time"] = "2025-01-02T03:04:05.123456Z",
        }).ToList(),
    });

    /// <summary>
    /// A legacy JSON API document: an <c>info</c> with what only the JSON API carries (summary, requires_dist), every
    /// release, and one release whose file the simple page does not list (the proxy must leave it out).
    /// </summary>
    private IResult ProjectJson(string name, string? version)
    {
        _jsonRequests.AddOrUpdate(name, 1, (_, n) => n + 1);
        if (Down) return Results.StatusCode(503);
        if (!JsonApi || !_projects.TryGetValue(name, out var files)) return Results.NotFound();
        var byVersion = files.GroupBy(VersionOf).OrderBy(g => Bulwark.Core.Packaging.Pep440Version.Parse(g.Key)).ToList();
        var shown = version is null ? byVersion[^1] : byVersion.FirstOrDefault(g => g.Key == version);
        if (shown is null) return Results.NotFound();
        var releases = byVersion.ToDictionary(g => g.Key, g => g.Select(JsonFile).ToList());
        releases["0.0.0.1"] = [new Dictionary<string, object?>
        {
            ["filename"] = $"{name}-0.0.0.1.tar.gz", ["url"] = $"{BaseUrl}files/{name}-0.0.0.1.tar.gz",
            ["digests"] = new Dictionary<string, string> { ["sha256"] = new string('a', 64) },
        }];
        var document = new Dictionary<string, object?>
        {
            ["info"] = new Dictionary<string, object?>
            {
                ["name"] = name, ["version"] = shown.Key, ["summary"] = $"Upstream summary of {name}", ["requires_dist"] = new[] { "requests>=2" },
            },
            ["urls"] = shown.Select(JsonFile).ToList(),
            ["vulnerabilities"] = Array.Empty<object>(),
        };
        if (version is null) document["releases"] = releases;
        return Results.Json(document);
    }

    private static string VersionOf(UpstreamTestFile f) =>
        Bulwark.Core.Packaging.WheelFilename.TryParse(f.Filename, out var wheel, out _) ? wheel.Version
        : Bulwark.Core.Packaging.SdistFilename.TryParse(f.Filename, out var sdist) ? sdist.Version : "0";

    private Dictionary<string, object?> JsonFile(UpstreamTestFile f) => new()
    {
        ["filename"] = f.Filename,
        ["url"] = $"{BaseUrl}files/{f.Filename}",
        ["digests"] = new Dictionary<string, string> { ["sha256"] = f.Sha256 },
        ["requires_python"] = f.RequiresPython,
        ["size"] = f.Listed.Length,
        ["yanked"] = f.Yanked is not null,
    };

    private string Html(List<UpstreamTestFile> files) =>
        "<!DOCTYPE html><html><body>\n" + string.Concat(files.Select(f =>
            $"<a href=\"../../files/{f.Filename}#sha256={f.Sha256}\"" +
            (f.RequiresPython is null ? "" : $" data-requires-python=\"{System.Net.WebUtility.HtmlEncode(f.RequiresPython)}\"") +
            (f.Yanked is null ? "" : $" data-yanked=\"{f.Yanked}\"") +
            (f.Metadata is null ? "" : $" data-core-metadata=\"sha256={MetadataSha(f)}\"") +
            $">{f.Filename}</a><br/>\n")) + "</body></html>\n";

    private static string MetadataSha(UpstreamTestFile f) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(f.Metadata!)));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
