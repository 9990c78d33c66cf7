using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Bulwark.EndToEnd.Tests.Infrastructure;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// Two published instances on one PostgreSQL database and one object store (s3rver), behind nginx running the
/// shipped site (<c>docs/deploy/bulwark-nginx.conf</c>): twine uploads through one, pip installs through the
/// other straight after, and a sign-in form rendered by one instance is posted to the other through nginx.
/// Their periodic journal poll is ten minutes apart, so the install can only find the upload by notification.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class SeveralInstancesTests(EndToEndFixture e2e)
{
    private const string Password = "harbour quiet pencil 58";

    [Fact]
    public async Task Two_instances_behind_nginx_behave_as_one_index()
    {
        var publish = await e2e.PublishOnceAsync();
        var database = await TestDatabases.CreatePostgresDatabaseAsync();
        try
        {
            await using var s3 = await S3TestServer.StartAsync();
            var proxyPort = BulwarkProcess.FreePort();
            var settings = Settings(database, s3, proxyPort);
            // One after the other: the first applies the migrations.
            await using var a = await StartInstanceAsync(publish, "a", settings);
            await using var b = await StartInstanceAsync(publish, "b", settings);
            await using var nginx = await NginxProxy.StartAsync(e2e.NewDirectory("nginx"), proxyPort, a.BaseUri.Port, b.BaseUri.Port);
            var cli = new BulwarkCli(e2e.NewDirectory("several-cli-data"), e2e.NewDirectory("several-cli"), settings);

            var user = await cli.RunAsync(["user", "add", "fleet", "--email", "fleet@example.com"]);
            Assert.True(user.Succeeded, user.Describe());
            var token = await cli.RunAsync(["token", "create", "fleet", "--expires", "1d"]);
            Assert.True(token.Succeeded, token.Describe());

            // Upload through A, install through B at once.
            var package = await e2e.Packages.BuildAsync(new PythonProject("bwfleet", "1.0", BuildBackend.FlitCore));
            var pip = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory("several-pip"), e2e.Tools);
            var upload = await e2e.Publish.TwineUploadAsync(new Uri(a.BaseUri, "legacy/").ToString(), token.Stdout.Trim(), package.Files);
            Assert.True(upload.Succeeded, upload.Describe() + a.Output);
            var install = await pip.InstallAsync(new Uri(b.BaseUri, "simple/").ToString(), "bwfleet");
            Assert.True(install.Succeeded, install.Describe() + b.Output);
            var import = await pip.ImportAsync("bwfleet");
            Assert.True(import.Succeeded && import.Stdout.Trim() == "bwfleet 1.0", import.Describe());

            // Through nginx too: index pages and files from either instance.
            var viaProxy = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory("several-pip-proxy"), e2e.Tools);
            var proxied = await viaProxy.InstallAsync(new Uri(nginx.BaseUri, "simple/").ToString(), "bwfleet");
            Assert.True(proxied.Succeeded, proxied.Describe() + nginx.ErrorLog);

            // Sign in through nginx: round robin sends the form's GET to one instance and its POST to the other.
            var walker = await cli.RunAsync(["user", "add", "walker", "--email", "walker@example.com", "--password-stdin"], Password + "\n");
            Assert.True(walker.Succeeded, walker.Describe());
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
            {
                BaseAddress = nginx.BaseUri,
            };
            var form = await http.GetAsync("account/login");
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
            var csrf = WebUtility.HtmlDecode(CsrfField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value);
            var signIn = await http.PostAsync("account/login", new FormUrlEncodedContent(
                [new("__csrf", csrf), new("Username", "walker"), new("Password", Password)]));
            var renderedBy = Upstream(form);
            var postedTo = Upstream(signIn);
            Assert.NotEqual(renderedBy, postedTo);
            Assert.True(signIn.StatusCode == HttpStatusCode.Redirect,
                $"POST /account/login to {postedTo} (form from {renderedBy}) answered {(int)signIn.StatusCode}\n{await signIn.Content.ReadAsStringAsync()}\n{a.Output}\n{b.Output}");
            // The session works on both instances.
            foreach (var _ in new[] { 1, 2 })
            {
                var account = await http.GetAsync("account/");
                Assert.True(account.StatusCode == HttpStatusCode.OK, $"GET /account/ on {Upstream(account)} answered {(int)account.StatusCode}");
                Assert.Contains("walker", await account.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            await TestDatabases.DropPostgresDatabaseAsync(database);
        }
    }

    private static Dictionary<string, string> Settings(string database, S3TestServer s3, int proxyPort)
    {
        var settings = new Dictionary<string, string>
        {
            ["Bulwark:Database"] = "Postgres",
            ["ConnectionStrings:Bulwark"] = database,
            ["Bulwark:PublicUrl"] = $"http://127.0.0.1:{proxyPort}",
            ["Bulwark:KnownProxies:0"] = "127.0.0.1",
            ["Bulwark:DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Bulwark:TwoFactor:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Bulwark:Index:JournalPollInterval"] = "00:10:00",
            ["AWS_ACCESS_KEY_ID"] = "S3RVER",
            ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
        };
        foreach (var (key, value) in s3.Settings(prefix: "several/")) settings[key] = value;
        return settings;
    }

    private async Task<BulwarkProcess> StartInstanceAsync(string publish, string name, Dictionary<string, string> settings)
    {
        var variables = settings.ToDictionary(kv => kv.Key.Replace(":", "__"), kv => kv.Value);
        variables["Bulwark__DataDirectory"] = e2e.NewDirectory($"instance-{name}-data");
        return await BulwarkProcess.StartAsync(publish, e2e.NewDirectory($"instance-{name}"), e2e.NewDirectory($"instance-{name}-home"), variables);
    }

    private static string Upstream(HttpResponseMessage response) =>
        response.Headers.TryGetValues(NginxProxy.UpstreamHeader, out var values) ? string.Join(",", values) : "(no upstream header)";

    [GeneratedRegex("name=\"__csrf\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
