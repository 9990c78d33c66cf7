using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.Tests.Uploads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Upstreams;

/// <summary>What the proxy tests share: page and file requests as pip makes them, and the admin command line.</summary>
public abstract class UpstreamTestBase<TServer>(TServer server) : UploadTestBase<TServer>(server) where TServer : UpstreamProxyServer
{
    protected FakeUpstream Upstream => Server.Upstream;

    protected HttpClient Client() => Server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    protected async Task<HttpResponseMessage> PageAsync(string name, bool json = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/simple/{name}/");
        if (json) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.pypi.simple.v1+json"));
        return await Client().SendAsync(request);
    }

    protected async Task<JsonElement> JsonPageAsync(string name) => await JsonAsync($"/simple/{name}/", "application/vnd.pypi.simple.v1+json");

    /// <summary>GETs <paramref name="path"/>, asserts a 200 and parses the body.</summary>
    protected async Task<JsonElement> JsonAsync(string path, string accept = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        var response = await Client().SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The site path of a listed file, resolved against the page URL as pip does.</summary>
    protected static string FilePath(string name, JsonElement file) =>
        new Uri(new Uri($"http://localhost/simple/{name}/"), file.GetProperty("url").GetString()).AbsolutePath;

    protected static string[] Versions(JsonElement page) => page.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!).ToArray();

    protected static JsonElement FileNamed(JsonElement page, string filename) =>
        page.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("filename").GetString() == filename);

    protected async Task<(int Exit, string Stdout, string Stderr)> CliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Bulwark.Cli.CommandLine.RunAsync(args, stdout, stderr, settings: CliSettings());
        return (exit, stdout.ToString(), stderr.ToString());
    }

    protected Dictionary<string, string?> CliSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bulwark:DataDirectory"] = Server.DataDirectory,
            ["Bulwark:Database"] = Server.Database.ToString(),
        };
        var cs = Server.Services.GetRequiredService<IConfiguration>().GetConnectionString("Bulwark");
        if (!string.IsNullOrEmpty(cs)) settings["ConnectionStrings:Bulwark"] = cs;
        return settings;
    }
}
