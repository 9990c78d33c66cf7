using Amazon.S3.Model;
using Bulwark.EndToEnd.Tests.Infrastructure;
using Bulwark.Storage.S3;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// Bulwark with its files in object storage (s3rver on loopback): twine uploads, pip installs, in both download
/// modes. In Proxy mode pip never talks to the store; in Redirect mode it follows Bulwark's redirect to a
/// presigned URL and checks the sha256 of what the store sent.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ObjectStorageTests(EndToEndFixture e2e)
{
    [Theory]
    [InlineData(S3DownloadMode.Proxy)]
    [InlineData(S3DownloadMode.Redirect)]
    public async Task Twine_uploads_into_the_bucket_and_pip_installs_from_it(S3DownloadMode mode)
    {
        await using var s3 = await S3TestServer.StartAsync();
        var settings = s3.Settings(mode, prefix: "e2e/").ToDictionary(kv => kv.Key, kv => kv.Value);
        // Every download reaches the store, not the in-memory copy of small files.
        settings["Bulwark:Index:SmallBlobCacheMegabytes"] = "0";
        await using var server = await LiveServer.StartAsync(e2e.NewDirectory($"s3-{mode}-data"), settings,
            services: services => services.AddSingleton(S3TestServer.Credentials));

        var name = $"bws3{mode.ToString().ToLowerInvariant()}";
        var package = await e2e.Packages.BuildAsync(new PythonProject(name, "1.0", BuildBackend.FlitCore));
        var token = await server.CreateTokenAsync($"s3-{mode}-user");
        var mark = server.Requests.Mark();
        var upload = await e2e.Publish.TwineUploadAsync(server.UploadUrl, token, package.Files);
        Check.Succeeded(upload, server, mark, $"twine upload ({mode})");

        using (var client = s3.CreateClient())
        {
            var objects = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = s3.Bucket, Prefix = "e2e/" })).S3Objects ?? [];
            Check.That(objects.Any(o => o.Key.EndsWith("/" + package.WheelName, StringComparison.Ordinal)),
                $"the wheel should be in the bucket; found: {string.Join(", ", objects.Select(o => o.Key))}", server, mark, upload);
            Check.That(!Directory.Exists(Path.Combine(server.DataDirectory, "files")), "nothing is stored on local disk", server, mark, upload);
        }

        var pip = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory($"s3-{mode}-pip"), e2e.Tools);
        mark = server.Requests.Mark();
        var install = await pip.InstallAsync(server.IndexUrl, name);
        Check.Succeeded(install, server, mark, $"pip install {name} ({mode})");
        var import = await pip.ImportAsync(name);
        Check.That(import.Succeeded && import.Stdout.Trim() == $"{name} 1.0", $"{name} 1.0 should be importable", server, mark, import);

        var fileRequests = server.Requests.Since(mark).Where(r => r.Path.StartsWith("/files/", StringComparison.Ordinal)).ToList();
        var expected = mode == S3DownloadMode.Redirect ? 302 : 200;
        Check.That(fileRequests.Count > 0 && fileRequests.All(r => r.Status == expected),
            $"every file request should have been answered {expected} in {mode} mode", server, mark, install);
    }
}
