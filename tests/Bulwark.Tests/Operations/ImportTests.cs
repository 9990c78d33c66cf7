using System.Security.Cryptography;
using Bulwark.Cli;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Uploads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Bulwark.Tests.Operations;

/// <summary>
/// <c>import DIR</c> over a pypiserver-style tree (files in sub-folders, a non-distribution file, an egg and a
/// broken wheel) and <c>import --from-index</c> from a second Bulwark on a loopback port: filenames and sha256
/// kept, projects owned by <c>--owner</c>, refusals named with their reason, and a second run skipping everything.
/// </summary>
public abstract class ImportTests<TServer>(TServer server, RealSocketServer source, ITestOutputHelper output) : UploadTestBase<TServer>(server)
    where TServer : BulwarkServer
{
    private async Task<(int Exit, string Out, string Err)> CliAsync(params string[] args)
    {
        var settings = new Dictionary<string, string?> { ["Bulwark:DataDirectory"] = Server.DataDirectory, ["Bulwark:Database"] = Server.Database.ToString() };
        var cs = Server.Services.GetRequiredService<IConfiguration>().GetConnectionString("Bulwark");
        if (!string.IsNullOrEmpty(cs)) settings["ConnectionStrings:Bulwark"] = cs;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, settings: settings);
        output.WriteLine($"$ {string.Join(' ', args)} -> {exit}\n{stdout}{stderr}");
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private async Task<string> OwnerAsync()
    {
        var owner = UniqueName("import-owner");
        await Server.CreateTokenAsync(owner);
        return owner;
    }

    private Task<Dictionary<string, string>> StoredAsync(params string[] filenames) => Server.WithDbAsync(db =>
        db.Files.AsNoTracking().Where(f => filenames.Contains(f.Filename)).ToDictionaryAsync(f => f.Filename, f => f.Sha256Digest));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task Imports_a_directory_tree_names_refusals_and_skips_on_the_second_run()
    {
        var owner = await OwnerAsync();
        var x = new TestDistributions.Spec(UniqueName("import-x"), "1.0");
        var y = new TestDistributions.Spec(UniqueName("import-y"), "2.0");
        var dir = Path.Combine(Path.GetTempPath(), "bulwark-tests", "import-" + Guid.NewGuid().ToString("N"));
        var files = new Dictionary<string, byte[]>
        {
            [Path.Combine(x.Name, x.WheelFilename)] = TestDistributions.Wheel(x),
            [Path.Combine(x.Name, x.SdistFilename)] = TestDistributions.Sdist(x),
            [Path.Combine("deep", "er", y.WheelFilename)] = TestDistributions.Wheel(y),
            ["broken_thing-1.0-py3-none-any.whl"] = "not a zip"u8.ToArray(),
            ["ancient-0.1-py2.7.egg"] = "egg"u8.ToArray(),
            ["README.txt"] = "notes"u8.ToArray(),
            [Path.Combine(".cache", "hidden-1.0-py3-none-any.whl")] = "hidden"u8.ToArray(),
        };
        foreach (var (path, bytes) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
            await File.WriteAllBytesAsync(Path.Combine(dir, path), bytes);
        }
        try
        {
            var first = await CliAsync("import", dir, "--owner", owner);
            Assert.Equal(1, first.Exit);
            Assert.Contains("Imported 3, skipped 0 already in the index, refused 2; 1 files that are not distributions were left alone.", first.Out);
            Assert.Contains("refused broken_thing-1.0-py3-none-any.whl: ", first.Out);
            Assert.Contains("refused ancient-0.1-py2.7.egg: not a wheel or an sdist", first.Out);
            Assert.DoesNotContain("hidden", first.Out);

            var stored = await StoredAsync(x.WheelFilename, x.SdistFilename, y.WheelFilename);
            Assert.Equal(Sha256(files[Path.Combine(x.Name, x.WheelFilename)]), stored[x.WheelFilename]);
            Assert.Equal(Sha256(files[Path.Combine(x.Name, x.SdistFilename)]), stored[x.SdistFilename]);
            Assert.Equal(Sha256(files[Path.Combine("deep", "er", y.WheelFilename)]), stored[y.WheelFilename]);
            var normalized = ProjectName.Normalize(x.Name);
            var roles = await Server.WithDbAsync(db => db.ProjectRoles.AsNoTracking()
                .Where(r => r.Project.NormalizedName == normalized).Select(r => new { r.User.Username, r.Role }).ToListAsync());
            Assert.Equal(owner, Assert.Single(roles).Username);
            Assert.Equal(ProjectRoleKind.Owner, roles[0].Role);
            var page = await Server.CreateClient().GetStringAsync($"/simple/{x.Name}/");
            Assert.Contains($"#sha256={stored[x.WheelFilename]}", page);
            // The run's token is revoked when it ends.
            Assert.False(await Server.WithDbAsync(db => db.ApiTokens.AnyAsync(t => t.Name == "import" && t.User.Username == owner && t.RevokedAt == null)));

            var second = await CliAsync("import", dir, "--owner", owner);
            Assert.Contains("Imported 0, skipped 3 already in the index, refused 2", second.Out);

            var unknown = await CliAsync("import", dir, "--owner", "nobody-" + Guid.NewGuid().ToString("N")[..8]);
            Assert.Equal(1, unknown.Exit);
            Assert.Contains("There is no user", unknown.Err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Imports_from_another_index_keeping_names_and_hashes()
    {
        var a = new TestDistributions.Spec(UniqueName("remote-a"), "1.0");
        var a2 = a with { Version = "1.1" };
        var b = new TestDistributions.Spec(UniqueName("remote-b"), "0.3");
        var token = await source.CreateTokenAsync(UniqueName("remote-bot"));
        var client = source.CreateClient();
        foreach (var form in new[] { UploadForm.For(a), UploadForm.For(a, wheel: false), UploadForm.For(a2), UploadForm.For(b) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = form.ToContent() };
            request.Headers.Authorization = UploadForm.TokenAuth(token);
            await AssertOkAsync(await client.SendAsync(request));
        }
        var remote = await source.WithDbAsync(db => db.Files.AsNoTracking().ToDictionaryAsync(f => f.Filename, f => f.Sha256Digest));
        Assert.Equal(4, remote.Count);

        var owner = await OwnerAsync();
        var url = new Uri(source.ClientOptions.BaseAddress, "/simple/").ToString();
        var first = await CliAsync("import", "--from-index", url, "--owner", owner);
        Assert.True(first.Exit == 0, first.Err + first.Out);
        Assert.Contains("Imported 4, skipped 0 already in the index, refused 0.", first.Out);
        Assert.Equal(remote, await StoredAsync([.. remote.Keys]));

        var second = await CliAsync("import", "--from-index", url, "--owner", owner);
        Assert.Equal(0, second.Exit);
        Assert.Contains("Imported 0, skipped 4 already in the index, refused 0.", second.Out);

        var unreachable = await CliAsync("import", "--from-index", "http://127.0.0.1:1/simple/", "--owner", owner);
        Assert.Equal(1, unreachable.Exit);
        Assert.Contains("could not be read", unreachable.Err);
    }
}

public sealed class ImportTestsSqlite(SqliteServer s, RealSocketServer source, ITestOutputHelper o)
    : ImportTests<SqliteServer>(s, source, o), IClassFixture<SqliteServer>, IClassFixture<RealSocketServer>;

public sealed class ImportTestsPostgres(PostgresServer s, RealSocketServer source, ITestOutputHelper o)
    : ImportTests<PostgresServer>(s, source, o), IClassFixture<PostgresServer>, IClassFixture<RealSocketServer>;
