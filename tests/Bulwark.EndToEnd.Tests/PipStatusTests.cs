using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// PEP 792 statuses with real pips: archived and deprecated projects stay installable, and a quarantined release
/// is passed over (pip installs the release before it and never fetches the quarantined one's file).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PipStatusTests(EndToEndFixture e2e)
{
    private const string User = "pip-status-tests";

    [Theory]
    [InlineData(PipFlavour.DebianVenv)]
    [InlineData(PipFlavour.PathPythonTarget)]
    public async Task Pip_installs_archived_and_deprecated_projects_and_passes_over_a_quarantined_release(PipFlavour flavour)
    {
        await e2e.OnceAsync("statuses", async () =>
        {
            await e2e.BuildAndUploadAsync(User,
                new PythonProject("bwarchived", "1.0", BuildBackend.FlitCore),
                new PythonProject("bwdeprecated", "1.0", BuildBackend.FlitCore),
                new PythonProject("bwdeprecated", "1.1", BuildBackend.FlitCore));
            Check.Succeeded(await e2e.Cli.RunAsync(["project", "archive", "bwarchived"]), e2e, 0, "bulwark project archive");
            Check.Succeeded(await e2e.Cli.RunAsync(["project", "deprecate", "bwdeprecated", "--reason", "use bwarchived"]), e2e, 0, "bulwark project deprecate");
            Check.Succeeded(await e2e.Cli.RunAsync(["project", "quarantine", "bwdeprecated", "--version", "1.1", "--reason", "stolen token"]), e2e, 0,
                "bulwark project quarantine");
        });
        var pip = await PipInstaller.CreateAsync(flavour, e2e.NewDirectory($"statuses-{flavour}"), e2e.Tools);

        var mark = e2e.Server.Requests.Mark();
        var result = await pip.InstallAsync(e2e.Server.IndexUrl, "bwarchived", "bwdeprecated");
        Check.Succeeded(result, e2e, mark, $"pip install bwarchived bwdeprecated ({flavour})");
        var installed = await pip.InstalledAsync();
        Check.That(installed.GetValueOrDefault("bwarchived") == "1.0" && installed.GetValueOrDefault("bwdeprecated") == "1.0",
            $"Expected bwarchived 1.0 and bwdeprecated 1.0 (1.1 is quarantined), installed: {string.Join(", ", installed)}", e2e, mark, result);
        Check.That(!e2e.Server.Requests.Since(mark).Any(r => r.Path.Contains("bwdeprecated-1.1", StringComparison.Ordinal)),
            "pip must not have fetched anything of the quarantined 1.1", e2e, mark, result);
    }
}
