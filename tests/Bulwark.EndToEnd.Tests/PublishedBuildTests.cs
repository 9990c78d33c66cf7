using System.Net;
using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// The output of <c>dotnet publish</c>, started the way systemd or a container starts it: from a working
/// directory that is neither the publish folder nor the repository, with nothing configured.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PublishedBuildTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task Published_output_started_elsewhere_serves_styles_scripts_pages_and_the_index()
    {
        var publish = await e2e.PublishOnceAsync();
        var home = e2e.NewDirectory("publish-home");
        var shipped = Directory.GetFileSystemEntries(publish).Select(Path.GetFileName).ToHashSet();

        var service = e2e.NewDirectory("publish-service");
        await using var server = await BulwarkProcess.StartAsync(publish, service, home);
        using var http = server.CreateHttpClient();

        var css = await http.GetAsync("css/site.css");
        Assert.True(css.StatusCode == HttpStatusCode.OK, $"GET /css/site.css answered {(int)css.StatusCode}.\n{server.Output}");
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(publish, "wwwroot", "css", "site.css")), await css.Content.ReadAsByteArrayAsync());

        var script = await http.GetAsync("js/webauthn.js");
        Assert.True(script.StatusCode == HttpStatusCode.OK, $"GET /js/webauthn.js answered {(int)script.StatusCode}.\n{server.Output}");
        Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("navigator.credentials", await script.Content.ReadAsStringAsync());

        var page = await http.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/css/site.css", await page.Content.ReadAsStringAsync());
        var login = await http.GetAsync("account/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("__csrf", await login.Content.ReadAsStringAsync());
        var simple = await http.GetAsync("simple/");
        Assert.Equal(HttpStatusCode.OK, simple.StatusCode);
        Assert.Contains("<html", await simple.Content.ReadAsStringAsync());

        // The default data directory is ./data of the working directory (as documented); the publish folder
        // gets nothing new.
        var data = Path.Combine(service, "data");
        Assert.True(File.Exists(Path.Combine(data, "bulwark.db")), $"Expected the database in {data}.\n{server.Output}");
        Assert.Contains($"Data directory: {data} (Sqlite)", server.Output);
        Assert.Equal(shipped.Order(), Directory.GetFileSystemEntries(publish).Select(Path.GetFileName).Order());

        // The sign-in form's antiforgery token made a data-protection key: sealed, with the rest of the state,
        // and nothing in the service user's home.
        var keys = Directory.GetFiles(Path.Combine(data, "keys", "data-protection"), "key-*.xml");
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.DoesNotContain("<masterKey", File.ReadAllText(k)));
        Assert.False(Directory.Exists(Path.Combine(home, ".aspnet")), $"{home}/.aspnet should not exist.");

        // The shipped appsettings.json was found from elsewhere: no SQL statement in the log.
        Assert.DoesNotContain("Executed DbCommand", server.Output);
        Assert.Contains("Now listening on", server.Output);
    }

    [Fact]
    public async Task An_appsettings_json_in_the_working_directory_adds_to_the_shipped_one()
    {
        var publish = await e2e.PublishOnceAsync();
        var home = e2e.NewDirectory("publish-home");
        var service = e2e.NewDirectory("publish-service");
        await File.WriteAllTextAsync(Path.Combine(service, "appsettings.json"), "{ \"Bulwark\": { \"DataDirectory\": \"state\" } }");

        await using var server = await BulwarkProcess.StartAsync(publish, service, home);

        Assert.True(File.Exists(Path.Combine(service, "state", "bulwark.db")), $"Expected the database in {service}/state.\n{server.Output}");
        Assert.False(Directory.Exists(Path.Combine(service, "data")));
        // The shipped log levels still apply: the working directory's file adds keys, it does not replace the file.
        Assert.DoesNotContain("Executed DbCommand", server.Output);
        // Environment variables still win over both files.
        await using var overridden = await BulwarkProcess.StartAsync(publish, service, home,
            new Dictionary<string, string> { ["Bulwark__DataDirectory"] = "from-env" });
        Assert.True(File.Exists(Path.Combine(service, "from-env", "bulwark.db")), $"Expected the database in {service}/from-env.\n{overridden.Output}");
    }
}
