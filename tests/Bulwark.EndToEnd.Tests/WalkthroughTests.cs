using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// The README's first steps, as a new user runs them on Debian 12: a setuptools project with a dash in its
/// name, built with <c>/usr/bin/python3 -m build --no-isolation</c>, <c>twine upload dist/*</c>, then
/// <c>pip install</c> in a fresh venv. Debian's setuptools 66 writes the sdist as
/// <c>hello-bulwark-1.0.0.tar.gz</c> (the name as written, not the PEP 625 <c>hello_bulwark</c>).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WalkthroughTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task A_dashed_setuptools_project_uploads_with_twine_and_installs_with_pip()
    {
        var built = await e2e.Packages.BuildAsync(new PythonProject("hello-bulwark", "1.0.0", BuildBackend.Setuptools));
        var token = await e2e.Server.CreateTokenAsync("walkthrough-user");

        var mark = e2e.Server.Requests.Mark();
        var upload = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, built.Files);
        Check.Succeeded(upload, e2e, mark, $"twine upload dist/* ({built.WheelName}, {built.SdistName})");

        var pip = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory("walkthrough"), e2e.Tools);
        mark = e2e.Server.Requests.Mark();
        var install = await pip.InstallAsync(e2e.Server.IndexUrl, "hello-bulwark");
        Check.Succeeded(install, e2e, mark, "pip install hello-bulwark");
        var import = await pip.ImportAsync("hello_bulwark");
        Check.That(import.Succeeded && import.Stdout.Trim() == "hello-bulwark 1.0.0", "hello_bulwark should import", e2e, mark, import);
        Assert.Equal(
            new[] { built.SdistName, built.WheelName }.Order(),
            (await e2e.Index.SimpleFilesAsync("hello-bulwark")).Select(f => f.Filename).Order());
    }
}
