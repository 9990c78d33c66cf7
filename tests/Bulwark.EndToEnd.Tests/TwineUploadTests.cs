using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>Debian's twine 4.0.2 against the legacy upload API, with a token.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TwineUploadTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task Twine_uploads_a_wheel_and_an_sdist_and_a_rerun_duplicates_nothing()
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

        // Warehouse answers a re-upload of identical bytes with 200 and stores nothing new, so a re-run of
        // `twine upload`, with or without --skip-existing, succeeds without duplicating anything.
        foreach (var args in new[] { new[] { "--skip-existing" }, Array.Empty<string>() })
        {
            mark = e2e.Server.Requests.Mark();
            var again = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, built.Files, args);
            Check.Succeeded(again, e2e, mark, $"re-uploading identical files ({string.Join(' ', args)})");
            await AssertServedAsync(built);
        }
    }

    [Fact]
    public async Task A_different_file_under_an_existing_filename_is_refused_and_skip_existing_skips_it()
    {
        var original = await e2e.Packages.BuildAsync(new PythonProject("bwclash", "1.0", BuildBackend.FlitCore) { Readme = "# first\n" });
        var impostor = await e2e.Packages.BuildAsync(new PythonProject("bwclash", "1.0", BuildBackend.FlitCore) { Readme = "# second, different bytes\n" });
        Assert.Equal(original.WheelName, impostor.WheelName);
        Assert.NotEqual(BuiltPackage.Sha256(original.Wheel), BuiltPackage.Sha256(impostor.Wheel));
        var token = await e2e.Server.CreateTokenAsync("clash-user");

        var mark = e2e.Server.Requests.Mark();
        Check.Succeeded(await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [original.Wheel]), e2e, mark, "first upload");

        mark = e2e.Server.Requests.Mark();
        var plain = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [impostor.Wheel]);
        Check.Failed(plain, e2e, mark, "uploading different bytes under an existing filename");
        Check.OutputContains(plain, "400", e2e, mark);
        Check.OutputContains(plain, "File already exists", e2e, mark);

        // twine --skip-existing recognises the message (status 400 and "already exist") and moves on.
        mark = e2e.Server.Requests.Mark();
        var skip = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [impostor.Wheel], "--skip-existing");
        Check.Succeeded(skip, e2e, mark, "the same upload with --skip-existing");
        Check.OutputContains(skip, $"Skipping {impostor.WheelName} because it appears to already exist", e2e, mark);

        var served = await e2e.Index.ReleaseFilesAsync("bwclash", "1.0");
        Assert.Equal(BuiltPackage.Sha256(original.Wheel), Assert.Single(served).Value);
        var simple = Assert.Single(await e2e.Index.SimpleFilesAsync("bwclash"));
        Assert.Equal(await File.ReadAllBytesAsync(original.Wheel), await e2e.Index.DownloadAsync(simple.Url));
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
        Check.OutputContains(result, "Invalid API Token", e2e, mark);
        Check.That(e2e.Server.Requests.Since(mark).Any(r => r.Method == "POST" && r.Path == "/legacy/" && r.Status == 403),
            "the server should have answered the POST with 403", e2e, mark, result);
        var (status, _) = await e2e.Index.GetAsync("pypi/bwbadtoken/json", "application/json");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Another_users_token_cannot_upload_to_a_project_it_does_not_own()
    {
        var owner = await e2e.BuildAndUploadAsync("owner-user", new PythonProject("bwowned", "1.0", BuildBackend.FlitCore));
        var next = await e2e.Packages.BuildAsync(new PythonProject("bwowned", "1.1", BuildBackend.FlitCore));
        var strangerToken = await e2e.Server.CreateTokenAsync("stranger-user");

        var mark = e2e.Server.Requests.Mark();
        var result = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, strangerToken, next.Files);

        Check.Failed(result, e2e, mark, "an upload by a user who is not a maintainer");
        Check.OutputContains(result, "403", e2e, mark);
        Check.OutputContains(result, "isn't allowed to upload to project 'bwowned'", e2e, mark);
        var json = await e2e.Index.ProjectJsonAsync("bwowned");
        Assert.Equal(["1.0"], json.GetProperty("releases").EnumerateObject().Select(r => r.Name));
        Assert.Equal(owner[0].Files.Count, (await e2e.Index.SimpleFilesAsync("bwowned")).Count);
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
