using System.Net;
using System.Text.RegularExpressions;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Web;

/// <summary>
/// The data-protection key ring (antiforgery tokens, the flash cookie) lives in the data directory, sealed at rest,
/// and two servers on one data directory accept each other's tokens. SQLite only: the keys are files in the data
/// directory and the database plays no part (PostgreSQL servers here each get a database of their own, so two of
/// them could not share one data directory's state anyway).
/// </summary>
public sealed class DataProtectionKeyTests : IAsyncLifetime
{
    private readonly string _shared = Path.Combine(Path.GetTempPath(), "bulwark-tests", "dp-" + Guid.NewGuid().ToString("N"));
    private readonly List<BulwarkServer> _servers = [];

    private sealed class OnDataDirectory(string dataDirectory) : BulwarkServer(DatabaseKind.Sqlite, dataDirectory);

    private async Task<BulwarkServer> StartAsync(string dataDirectory)
    {
        var server = new OnDataDirectory(dataDirectory);
        _servers.Add(server);
        await ((IAsyncLifetime)server).InitializeAsync();
        return server;
    }

    [Fact]
    public async Task Keys_are_written_under_the_data_directory_sealed_and_the_key_file_is_owner_only()
    {
        var server = await StartAsync(_shared);
        var protector = server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("hello", protector.Unprotect(protector.Protect("hello")));

        var ring = Path.Combine(_shared, "keys", "data-protection");
        var files = Directory.GetFiles(ring, "key-*.xml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var xml = await File.ReadAllTextAsync(file);
            // Unsealed, a key carries its secret as <masterKey ...><value>BASE64</value></masterKey>.
            Assert.DoesNotContain("<masterKey", xml);
            Assert.DoesNotContain("<value>", xml);
            Assert.Contains("<bulwarkSealed", xml);
            Assert.Contains(typeof(KeyRingXmlDecryptor).FullName!, xml);
        }
        var kek = Path.Combine(_shared, "keys", "data-protection.key");
        Assert.Equal(32, Convert.FromBase64String((await File.ReadAllTextAsync(kek)).Trim()).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kek));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(ring));
        }
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_accepts_the_first_ones_tokens_and_another_does_not()
    {
        var first = await StartAsync(_shared);
        var second = await StartAsync(_shared);
        var elsewhere = await StartAsync(Path.Combine(Path.GetTempPath(), "bulwark-tests", "dp-" + Guid.NewGuid().ToString("N")));

        var payload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("shared");
        Assert.Equal("shared", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(payload));

        // An antiforgery cookie and form token issued by the first server, posted to each of the others.
        var (cookie, token) = await AntiforgeryFromAsync(first);
        var accepted = await PostLoginAsync(second, cookie, token);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK,
            $"The second server answered {(int)accepted.StatusCode} to the first one's antiforgery token: {await accepted.Content.ReadAsStringAsync()}");
        Assert.Contains("login-form", await accepted.Content.ReadAsStringAsync());
        var refused = await PostLoginAsync(elsewhere, cookie, token);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private static async Task<(string Cookie, string Token)> AntiforgeryFromAsync(BulwarkServer server)
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var page = await client.GetAsync("/account/login");
        var html = await page.Content.ReadAsStringAsync();
        var token = Regex.Match(html, "name=\"__csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"__csrf\"");
        Assert.True(token.Success, "No __csrf field on the sign-in page.");
        var cookie = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("bulwark-af="));
        return (cookie, token.Groups[1].Success ? token.Groups[1].Value : token.Groups[2].Value);
    }

    private static Task<HttpResponseMessage> PostLoginAsync(BulwarkServer server, string cookie, string token)
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent([new("__csrf", token), new("Username", "nobody-here"), new("Password", "not the password 12")]),
        };
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await ((IAsyncLifetime)server).DisposeAsync();
    }
}
