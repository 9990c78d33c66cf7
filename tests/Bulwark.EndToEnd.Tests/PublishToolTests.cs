using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>Debian's poetry 1.3 and flit 3.8 publishing to the legacy upload API, configured by environment only.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PublishToolTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task Poetry_publish_builds_and_uploads_to_a_repository_configured_by_environment()
    {
        var dir = e2e.NewDirectory("poetry");
        new PoetryProject("bw-poetry", "0.3.0").WriteTo(dir);
        var token = await e2e.Server.CreateTokenAsync("poetry-user");

        var mark = e2e.Server.Requests.Mark();
        var result = await e2e.Publish.PoetryPublishAsync(dir, e2e.Server.UploadUrl, token);

        Check.Succeeded(result, e2e, mark, "poetry publish --build");
        var dist = Path.Combine(dir, "dist");
        var local = Directory.GetFiles(dist).ToDictionary(f => Path.GetFileName(f), BuiltPackage.Sha256);
        Check.That(local.Count == 2 && local.Keys.Any(f => f.EndsWith(".whl")) && local.Keys.Any(f => f.EndsWith(".tar.gz")),
            $"poetry should have built a wheel and an sdist, found: {string.Join(", ", local.Keys)}", e2e, mark, result);
        await AssertServedAsync("bw-poetry", "0.3.0", local, mark);
        Check.That(e2e.Server.Requests.Since(mark).Count(r => r.Method == "POST" && r.Path == "/legacy/" && r.Status == 200) == 2,
            "poetry should have made two successful POSTs to /legacy/", e2e, mark, result);
    }

    [Fact]
    public async Task Flit_publish_uploads_with_FLIT_INDEX_URL_and_credentials()
    {
        var dir = e2e.NewDirectory("flit");
        var project = new PythonProject("bwflit", "2.0.1", BuildBackend.FlitCore) { RequiresPython = ">=3.7" };
        project.WriteTo(dir);
        var token = await e2e.Server.CreateTokenAsync("flit-user");

        var mark = e2e.Server.Requests.Mark();
        var result = await e2e.Publish.FlitPublishAsync(dir, e2e.Server.UploadUrl, token);

        Check.Succeeded(result, e2e, mark, "flit publish");
        var local = Directory.GetFiles(Path.Combine(dir, "dist")).ToDictionary(f => Path.GetFileName(f), BuiltPackage.Sha256);
        Check.That(local.Count == 2, $"flit should have built two files, found: {string.Join(", ", local.Keys)}", e2e, mark, result);
        await AssertServedAsync("bwflit", "2.0.1", local, mark);
        var simple = await e2e.Index.SimpleFilesAsync("bwflit");
        Assert.All(simple, f => Assert.Equal(">=3.7", f.RequiresPython));
    }

    private async Task AssertServedAsync(string name, string version, Dictionary<string, string> local, int mark)
    {
        var served = await e2e.Index.ReleaseFilesAsync(name, version);
        Check.That(served.Count == local.Count && local.All(kv => served.TryGetValue(kv.Key, out var sha) && sha == kv.Value),
            $"The JSON API should list exactly the local files with their sha256.\nlocal: {string.Join(", ", local)}\nserved: {string.Join(", ", served)}", e2e, mark);
        var simple = await e2e.Index.SimpleFilesAsync(name);
        Assert.Equal(local.Keys.Order(), simple.Select(f => f.Filename).Order());
    }
}
