using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>Debian's twine 4.0.2 against the legacy upload API, with a token.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TwineUploadTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task Twine_uploads_wheel_and_sdist_then_skip_existing_and_duplicate_behave()
    {
        var project = new PythonProject("bwtwine", "1.0.0", BuildBackend.Setuptools)
        {
            Dependencies = ["bwtwinedep>=2.1"],
            RequiresPython = ">=3.8",
            Readme = "# bwtwine\n\nUploaded by **twine**.\n",
        };
        var built = await e2e.Packages.BuildAsync(project);
        var token = await e2e.Server.CreateTokenAsync("twine-user");

        var mark = e2e.Server.Requests.Mark();
        var first = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, built.Files);
        Check.Succeeded(first, e2e, mark, "twine upload");
        var posts = e2e.Server.Requests.Since(mark).Where(r => r.Method == "POST").ToList();
        Check.That(posts.Count == 2 && posts.All(p => p.Path == "/legacy/" && p.Status == 200),
            "twine should have made two POSTs to /legacy/, both answered 200.", e2e, mark, first);

        await AssertServedAsync(built);

        // --skip-existing: twine sees "File already exists" and carries on, exit 0.
        mark = e2e.Server.Requests.Mark();
        var skip = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, built.Files, "--skip-existing");
        Check.Succeeded(skip, e2e, mark, "twine upload --skip-existing");
        Check.OutputContains(skip, $"Skipping {built.WheelName} because it appears to already exist", e2e, mark);
        Check.OutputContains(skip, $"Skipping {built.SdistName} because it appears to already exist", e2e, mark);
        await AssertServedAsync(built);

        // The same files again without --skip-existing: refused.
        mark = e2e.Server.Requests.Mark();
        var again = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, built.Files);
        Check.Failed(again, e2e, mark, "a plain re-upload of the same files");
        Check.OutputContains(again, "400", e2e, mark);
        Check.OutputContains(again, "File already exists", e2e, mark);
        await AssertServedAsync(built);
    }

    [Fact]
    public async Task A_different_file_under_an_existing_filename_is_refused()
    {
        var original = await e2e.Packages.BuildAsync(new PythonProject("bwclash", "1.0", BuildBackend.FlitCore) { Readme = "# first\n" });
        var impostor = await e2e.Packages.BuildAsync(new PythonProject("bwclash", "1.0", BuildBackend.FlitCore) { Readme = "# second, different bytes\n" });
        Assert.Equal(original.WheelName, impostor.WheelName);
        Assert.NotEqual(BuiltPackage.Sha256(original.Wheel), BuiltPackage.Sha256(impostor.Wheel));
        var token = await e2e.Server.CreateTokenAsync("clash-user");

        var mark = e2e.Server.Requests.Mark();
        Check.Succeeded(await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [original.Wheel]), e2e, mark, "first upload");
        mark = e2e.Server.Requests.Mark();
        var second = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [impostor.Wheel]);

        Check.Failed(second, e2e, mark, "uploading different bytes under an existing filename");
        Check.OutputContains(second, "File already exists", e2e, mark);
        var served = await e2e.Index.ReleaseFilesAsync("bwclash", "1.0");
        Assert.Equal(BuiltPackage.Sha256(original.Wheel), Assert.Single(served).Value);
    }

    [Fact]
    public async Task An_unknown_token_is_refused_with_403_and_nothing_is_stored()
    {
        var built = await e2e.Packages.BuildAsync(new PythonProject("bwbadtoken", "1.0", BuildBackend.Hatchling));
        var realToken = await e2e.Server.CreateTokenAsync("badtoken-user");
        var forged = realToken[..^4] + (realToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var mark = e2e.Server.Requests.Mark();
        var result = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, forged, built.Files);

        Check.Failed(result, e2e, mark, "an upload with a forged token");
        Check.OutputContains(result, "403", e2e, mark);
        Check.That(e2e.Server.Requests.Since(mark).Any(r => r.Method == "POST" && r.Path == "/legacy/" && r.Status == 403),
            "the server should have answered the POST with 403", e2e, mark, result);
        var (status, _) = await e2e.Index.GetAsync("pypi/bwbadtoken/json", "application/json");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, status);
    }

    /// <summary>Both files are listed once by the JSON API and the simple API, with the digests of the local files.</summary>
    private async Task AssertServedAsync(BuiltPackage built)
    {
        var p = built.Project;
        var json = await e2e.Index.ProjectJsonAsync(p.Name);
        var info = json.GetProperty("info");
        Assert.Equal(p.Name, info.GetProperty("name").GetString());
        Assert.Equal(p.Version, info.GetProperty("version").GetString());
        Assert.Equal(p.RequiresPython, info.GetProperty("requires_python").GetString());
        Assert.Equal("text/markdown", info.GetProperty("description_content_type").GetString());
        Assert.Contains("Uploaded by **twine**.", info.GetProperty("description").GetString());
        var requiresDist = info.GetProperty("requires_dist").EnumerateArray().Select(e => e.GetString()!.Replace(" ", "")).ToList();
        Assert.Contains(requiresDist, r => r.Contains("bwtwinedep") && r.Contains(">=2.1"));

        var expected = new Dictionary<string, string>
        {
            [built.WheelName] = BuiltPackage.Sha256(built.Wheel),
            [built.SdistName] = BuiltPackage.Sha256(built.Sdist),
        };
        Assert.Equal(expected, await e2e.Index.ReleaseFilesAsync(p.Name, p.Version));
        var urls = json.GetProperty("urls").EnumerateArray().Select(u => u.GetProperty("filename").GetString()!).Order().ToList();
        Assert.Equal(expected.Keys.Order().ToList(), urls);

        var simple = await e2e.Index.SimpleFilesAsync(p.Name);
        Assert.Equal(expected, simple.ToDictionary(f => f.Filename, f => f.Sha256 ?? ""));
        foreach (var file in simple)
        {
            var local = file.Filename == built.WheelName ? built.Wheel : built.Sdist;
            Assert.Equal(await File.ReadAllBytesAsync(local), await e2e.Index.DownloadAsync(file.Url));
        }
    }
}
