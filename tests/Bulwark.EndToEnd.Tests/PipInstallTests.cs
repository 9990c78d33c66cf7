using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// Installing from Bulwark with two real pips: Debian's pip 23.0 in a venv and the first <c>python3</c> on
/// PATH (pyenv's pip 23.2 on the dev machines) with <c>--target</c>. Packages are uploaded once with twine
/// and shared by both pips.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PipInstallTests(EndToEndFixture e2e)
{
    private const string User = "pip-tests";

    [Theory]
    [InlineData(PipFlavour.DebianVenv)]
    [InlineData(PipFlavour.PathPythonTarget)]
    public async Task Pip_installs_a_dependency_chain_honouring_the_version_range(PipFlavour flavour)
    {
        await e2e.OnceAsync("chain", () => e2e.BuildAndUploadAsync(User,
            new PythonProject("bwchainb", "1.0", BuildBackend.FlitCore),
            new PythonProject("bwchainb", "2.0", BuildBackend.FlitCore),
            new PythonProject("bwchaina", "1.0", BuildBackend.Hatchling) { Dependencies = ["BwChainB>=1.0,<2"] }));
        var pip = await PipInstaller.CreateAsync(flavour, e2e.NewDirectory($"chain-{flavour}"), e2e.Tools);

        var mark = e2e.Server.Requests.Mark();
        var result = await pip.InstallAsync(e2e.Server.IndexUrl, "bwchaina");

        Check.Succeeded(result, e2e, mark, $"pip install bwchaina ({flavour})");
        var installed = await pip.InstalledAsync();
        Check.That(installed.GetValueOrDefault("bwchaina") == "1.0" && installed.GetValueOrDefault("bwchainb") == "1.0",
            $"Expected bwchaina 1.0 and bwchainb 1.0 (not 2.0), installed: {string.Join(", ", installed)}", e2e, mark, result);
        var import = await pip.ImportAsync("bwchainb");
        Check.That(import.Succeeded && import.Stdout.Trim() == "bwchainb 1.0", "bwchainb 1.0 should be importable", e2e, mark, import);
        Check.That(e2e.Server.Requests.Since(mark).Any(r => r.Path.StartsWith("/simple/bwchainb/", StringComparison.Ordinal) && r.Status == 200),
            "pip should have looked the dependency up at its normalized name", e2e, mark, result);
    }

    [Theory]
    [InlineData(PipFlavour.DebianVenv)]
    [InlineData(PipFlavour.PathPythonTarget)]
    public async Task Pip_skips_a_yanked_version_unless_it_is_pinned_exactly(PipFlavour flavour)
    {
        await e2e.OnceAsync("yank", async () =>
        {
            await e2e.BuildAndUploadAsync(User,
                new PythonProject("bwyank", "1.0", BuildBackend.Setuptools),
                new PythonProject("bwyank", "2.0", BuildBackend.Setuptools));
            var yank = await e2e.Cli.RunAsync(["project", "yank", "bwyank", "2.0", "--reason", "broken build"]);
            Check.Succeeded(yank, e2e, 0, "bulwark project yank");
        });
        var pip = await PipInstaller.CreateAsync(flavour, e2e.NewDirectory($"yank-{flavour}"), e2e.Tools);
        // A second, empty place for the pinned install: pip --target leaves the old .dist-info behind on upgrade.
        var pinnedPip = await PipInstaller.CreateAsync(flavour, e2e.NewDirectory($"yank-pinned-{flavour}"), e2e.Tools);

        var mark = e2e.Server.Requests.Mark();
        var unpinned = await pip.InstallAsync(e2e.Server.IndexUrl, "bwyank");
        Check.Succeeded(unpinned, e2e, mark, $"pip install bwyank ({flavour})");
        var installed = await pip.InstalledAsync();
        Check.That(installed.GetValueOrDefault("bwyank") == "1.0", $"pip should pass over yanked 2.0; installed: {string.Join(", ", installed)}", e2e, mark, unpinned);

        mark = e2e.Server.Requests.Mark();
        var pinned = await pinnedPip.InstallAsync(e2e.Server.IndexUrl, "bwyank==2.0");
        Check.Succeeded(pinned, e2e, mark, $"pip install bwyank==2.0 ({flavour})");
        Check.OutputContains(pinned, "yanked version", e2e, mark);
        Check.OutputContains(pinned, "broken build", e2e, mark);
        installed = await pinnedPip.InstalledAsync();
        Check.That(installed.GetValueOrDefault("bwyank") == "2.0", $"an exact pin installs the yanked 2.0; installed: {string.Join(", ", installed)}", e2e, mark, pinned);
    }

    [Theory]
    [InlineData(PipFlavour.DebianVenv)]
    [InlineData(PipFlavour.PathPythonTarget)]
    public async Task Pip_skips_a_version_whose_Requires_Python_excludes_it_without_downloading_it(PipFlavour flavour)
    {
        await e2e.OnceAsync("requires-python", () => e2e.BuildAndUploadAsync(User,
            // flit_core: hatchling 1.12 derives the wheel's python tag from Requires-Python and writes an empty one for ">=4".
            new PythonProject("bwpyreq", "1.0", BuildBackend.FlitCore) { RequiresPython = ">=3.7" },
            new PythonProject("bwpyreq", "2.0", BuildBackend.FlitCore) { RequiresPython = ">=4" }));
        var pip = await PipInstaller.CreateAsync(flavour, e2e.NewDirectory($"pyreq-{flavour}"), e2e.Tools);

        var mark = e2e.Server.Requests.Mark();
        var result = await pip.InstallAsync(e2e.Server.IndexUrl, "bwpyreq");

        Check.Succeeded(result, e2e, mark, $"pip install bwpyreq ({flavour})");
        var installed = await pip.InstalledAsync();
        Check.That(installed.GetValueOrDefault("bwpyreq") == "1.0", $"Expected bwpyreq 1.0, installed: {string.Join(", ", installed)}", e2e, mark, result);
        // data-requires-python on the simple page lets pip drop 2.0 before fetching anything of it.
        Check.That(!e2e.Server.Requests.Since(mark).Any(r => r.Path.Contains("bwpyreq-2.0", StringComparison.Ordinal)),
            "pip should not have fetched any file of bwpyreq 2.0", e2e, mark, result);

        mark = e2e.Server.Requests.Mark();
        var pinned = await pip.InstallAsync(e2e.Server.IndexUrl, "bwpyreq==2.0");
        Check.Failed(pinned, e2e, mark, $"pip install bwpyreq==2.0 ({flavour})");
        Check.OutputContains(pinned, "require a different python version", e2e, mark);
    }

    [Theory]
    [InlineData(PipFlavour.DebianVenv)]
    [InlineData(PipFlavour.PathPythonTarget)]
    public async Task Pip_installs_and_a_PEP_714_aware_pip_reads_the_metadata_file_first(PipFlavour flavour)
    {
        var project = new PythonProject("bwmeta", "1.0", BuildBackend.Hatchling) { Dependencies = ["bwmetadep==0.1"] };
        await e2e.OnceAsync("pep658", () => e2e.BuildAndUploadAsync(User, project, new PythonProject("bwmetadep", "0.1", BuildBackend.FlitCore)));
        var wheel = await e2e.Packages.BuildAsync(project); // the same build, from the cache
        var pip = await PipInstaller.CreateAsync(flavour, e2e.NewDirectory($"pep658-{flavour}"), e2e.Tools);

        var mark = e2e.Server.Requests.Mark();
        var result = await pip.InstallAsync(e2e.Server.IndexUrl, "bwmeta");

        Check.Succeeded(result, e2e, mark, $"pip install bwmeta ({flavour})");
        var installed = await pip.InstalledAsync();
        Check.That(installed.GetValueOrDefault("bwmeta") == "1.0" && installed.GetValueOrDefault("bwmetadep") == "0.1",
            $"Expected bwmeta 1.0 and bwmetadep 0.1, installed: {string.Join(", ", installed)}", e2e, mark, result);
        var requests = e2e.Server.Requests.Since(mark).ToList();
        var metadataAt = requests.FindIndex(r => r.Method == "GET" && r.Path.EndsWith($"/{wheel.WheelName}.metadata", StringComparison.Ordinal) && r.Status == 200);
        var wheelAt = requests.FindIndex(r => r.Method == "GET" && r.Path.EndsWith($"/{wheel.WheelName}", StringComparison.Ordinal) && r.Status == 200);
        Check.That(wheelAt >= 0, $"pip should have downloaded {wheel.WheelName}", e2e, mark, result);
        // pip 23.2 reads PEP 714's "core-metadata" and resolves from the metadata file alone. Debian's pip 23.0
        // reads only "dist-info-metadata" from JSON pages (and crashes on its PEP 691 dict form), which a
        // Warehouse-like page leaves out: it downloads the wheel instead, and the install above must still work.
        if (await pip.PipVersionAsync() >= new Version(23, 2))
        {
            Check.That(metadataAt >= 0 && metadataAt < wheelAt, $"pip should have fetched {wheel.WheelName}.metadata (PEP 658) before the wheel", e2e, mark, result);
        }

        // The metadata file is the wheel's METADATA, byte for byte, at the file's URL plus ".metadata", and both
        // page formats announce it with its sha256 (JSON "core-metadata"; HTML data-core-metadata and the
        // data-dist-info-metadata that pip 23.0 reads from HTML pages).
        var metadata = wheel.WheelMetadata();
        var metadataSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(metadata));
        var file = (await e2e.Index.SimpleFilesAsync("bwmeta")).Single(f => f.Filename == wheel.WheelName);
        Assert.Equal(metadataSha, file.CoreMetadataSha256);
        Assert.Equal(metadata, await e2e.Index.DownloadAsync(new Uri(file.Url.GetLeftPart(UriPartial.Path) + ".metadata")));
        var anchor = System.Text.RegularExpressions.Regex.Match(await e2e.Index.SimpleHtmlAsync("bwmeta"), $"<a [^>]*>{System.Text.RegularExpressions.Regex.Escape(wheel.WheelName)}</a>").Value;
        Assert.Contains($"data-dist-info-metadata=\"sha256={metadataSha}\"", anchor);
        Assert.Contains($"data-core-metadata=\"sha256={metadataSha}\"", anchor);
    }
}
