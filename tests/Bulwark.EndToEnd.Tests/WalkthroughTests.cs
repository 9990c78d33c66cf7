using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// The README's first steps, as a new user runs them on Debian 12: a setuptools project with a dash in its
/// name, built with <c>/usr/bin/python3 -m build --no-isolation</c>, <c>twine upload dist/*</c>, then
/// <c>pip install</c> in a fresh venv. Debian's setuptools 66 writes the sdist as
/// <c>hello-bulwark-1.0.0.tar.gz</c>, not the PEP 625 <c>hello_bulwark-1.0.0.tar.gz</c>: refused by default
/// (as on PyPI), accepted with <c>Bulwark:Uploads:AcceptLegacySdistNames=true</c>.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WalkthroughTests(EndToEndFixture e2e)
{
    private static readonly PythonProject Hello = new("hello-bulwark", "1.0.0", BuildBackend.Setuptools);

    [Fact]
    public async Task By_default_the_pre_PEP_625_sdist_is_refused_the_wheel_lands_and_pip_installs_it()
    {
        var built = await e2e.Packages.BuildAsync(Hello);
        Assert.Equal("hello-bulwark-1.0.0.tar.gz", built.SdistName);
        var token = await e2e.Server.CreateTokenAsync("walkthrough-user");

        var mark = e2e.Server.Requests.Mark();
        var upload = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, built.Files);
        Check.Failed(upload, e2e, mark, "twine upload dist/* with a pre-PEP 625 sdist");
        Check.OutputContains(upload, "Filename 'hello-bulwark-1.0.0.tar.gz' is invalid, should be 'hello_bulwark-1.0.0.tar.gz'", e2e, mark);
        Assert.Equal([built.WheelName], (await e2e.Index.SimpleFilesAsync("hello-bulwark")).Select(f => f.Filename));

        var pip = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory("walkthrough"), e2e.Tools);
        mark = e2e.Server.Requests.Mark();
        var install = await pip.InstallAsync(e2e.Server.IndexUrl, "hello-bulwark");
        Check.Succeeded(install, e2e, mark, "pip install hello-bulwark");
        var import = await pip.ImportAsync("hello_bulwark");
        Check.That(import.Succeeded && import.Stdout.Trim() == "hello-bulwark 1.0.0", "hello_bulwark should import", e2e, mark, import);
    }

    [Fact]
    public async Task With_AcceptLegacySdistNames_twine_uploads_both_files()
    {
        var built = await e2e.Packages.BuildAsync(Hello);
        await using var server = await LiveServer.StartAsync(e2e.NewDirectory("legacy-sdist-data"),
            new Dictionary<string, string> { ["Bulwark:Uploads:AcceptLegacySdistNames"] = "true" });
        using var index = new IndexClient(server);
        var token = await server.CreateTokenAsync("walkthrough-user");

        var upload = await e2e.Publish.TwineUploadAsync(server.UploadUrl, token, built.Files);

        Check.Succeeded(upload, server, 0, "twine upload dist/* with AcceptLegacySdistNames=true");
        var files = await index.SimpleFilesAsync("hello-bulwark");
        Assert.Equal(new[] { built.SdistName, built.WheelName }.Order(), files.Select(f => f.Filename).Order());
        var sdist = files.Single(f => f.Filename == built.SdistName);
        Assert.Equal(await File.ReadAllBytesAsync(built.Sdist), await index.DownloadAsync(sdist.Url));
    }
}
