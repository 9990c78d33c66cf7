using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// Debian's pip through a Bulwark that proxies a second Bulwark (the upstream, on its own loopback port and data
/// directory): an upstream-only project installs, a local name shadows the upstream's higher version, and once
/// the upstream is stopped the cached project still installs.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class UpstreamProxyInstallTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task Pip_installs_through_the_proxy_and_a_local_name_wins_over_the_upstream()
    {
        var upstream = await LiveServer.StartAsync(e2e.NewDirectory("upstream-data"));
        var upstreamStopped = false;
        try
        {
            var upstreamToken = await upstream.CreateTokenAsync("upstream-publisher");
            // Wheels only: Debian's flit_core names the sdist of a dashed name in the pre-PEP 625 form, which is refused.
            foreach (var project in new[] { new PythonProject("bwproxied", "1.0", BuildBackend.FlitCore), new PythonProject("acme-internal", "99.0", BuildBackend.FlitCore) })
            {
                var built = await e2e.Packages.BuildAsync(project);
                Check.Succeeded(await e2e.Publish.TwineUploadAsync(upstream.UploadUrl, upstreamToken, [built.Wheel]), upstream, 0, $"upload of {project.Name} to the upstream");
            }

            await using var proxy = await LiveServer.StartAsync(e2e.NewDirectory("proxy-data"), new Dictionary<string, string>
            {
                ["Bulwark:Upstreams:0:Url"] = upstream.IndexUrl,
                ["Bulwark:Upstreams:0:Timeout"] = "00:00:02",
                ["Bulwark:Upstreams:0:MaxAge"] = "00:00:00",
            });
            var local = await e2e.Packages.BuildAsync(new PythonProject("acme-internal", "1.0", BuildBackend.FlitCore));
            Check.Succeeded(await e2e.Publish.TwineUploadAsync(proxy.UploadUrl, await proxy.CreateTokenAsync("acme"), [local.Wheel]), proxy, 0, "local upload of acme-internal 1.0");

            var pip = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory("proxy-pip"), e2e.Tools);
            var mark = proxy.Requests.Mark();
            var result = await pip.InstallAsync(proxy.IndexUrl, "bwproxied", "acme-internal");
            Check.Succeeded(result, proxy, mark, "pip install bwproxied acme-internal through the proxy");
            var installed = await pip.InstalledAsync();
            Check.That(installed.GetValueOrDefault("bwproxied") == "1.0", $"bwproxied 1.0 from the upstream; installed: {string.Join(", ", installed)}", proxy, mark, result);
            Check.That(installed.GetValueOrDefault("acme-internal") == "1.0", $"the local acme-internal 1.0, never the upstream's 99.0; installed: {string.Join(", ", installed)}", proxy, mark, result);
            using (var http = proxy.CreateHttpClient())
            {
                var page = await http.GetStringAsync("simple/acme-internal/");
                Check.That(!page.Contains("99.0", StringComparison.Ordinal), "the local page must not list the upstream's 99.0:\n" + page, proxy, mark);
            }
            Check.That(upstream.Requests.Since(0).All(r => !r.Path.StartsWith("/simple/acme-internal", StringComparison.Ordinal)),
                "the upstream must never be asked for a local name", upstream);

            await upstream.DisposeAsync();
            upstreamStopped = true;
            var offlinePip = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory("proxy-pip-offline"), e2e.Tools);
            mark = proxy.Requests.Mark();
            var offline = await offlinePip.InstallAsync(proxy.IndexUrl, "bwproxied");
            Check.Succeeded(offline, proxy, mark, "pip install bwproxied with the upstream stopped");
            Check.That((await offlinePip.InstalledAsync()).GetValueOrDefault("bwproxied") == "1.0", "the cached bwproxied 1.0 installs", proxy, mark, offline);
        }
        finally
        {
            if (!upstreamStopped) await upstream.DisposeAsync();
        }
    }
}
