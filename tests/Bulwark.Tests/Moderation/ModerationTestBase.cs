using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bulwark.Cli;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Bulwark.Tests.Infrastructure.SecondFactorSeeding;

namespace Bulwark.Tests.Moderation;

/// <summary>Helpers of the incident-response tests: published projects, observers, an admin with a passkey session, the verbs.</summary>
public abstract class ModerationTestBase<TServer>(TServer server) : MandateTestBase<TServer>(server) where TServer : BulwarkServer
{
    protected sealed record Run(int Exit, string Out, string Err);

    /// <summary>Runs an admin verb in-process against this server's database and data directory.</summary>
    protected Task<Run> CliAsync(params string[] args) => CliWithInputAsync(null, args);

    /// <summary>Runs an admin verb as <see cref="CliAsync"/> does, with <paramref name="stdin"/> as its standard input.</summary>
    protected async Task<Run> CliWithInputAsync(string? stdin, params string[] args)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bulwark:DataDirectory"] = Server.DataDirectory,
            ["Bulwark:Database"] = Server.Database.ToString(),
        };
        var cs = Server.Services.GetRequiredService<IConfiguration>().GetConnectionString("Bulwark");
        if (!string.IsNullOrEmpty(cs)) settings["ConnectionStrings:Bulwark"] = cs;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, stdin is null ? null : new StringReader(stdin), settings);
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A project published by a fresh automation account, with <paramref name="owner"/> as owner; returns its name and the uploader's token.</summary>
    protected async Task<(string Name, string UploaderToken)> PublishAsync(User? owner, params string[] versions)
    {
        var name = UniqueName("mod");
        var token = await Server.CreateTokenAsync("bot" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var version in versions.Length == 0 ? ["1.0"] : versions)
        {
            var response = await TryUploadAsync(token, new TestDistributions.Spec(name, version));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"upload of {name} {version}: {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        if (owner is not null)
        {
            await Server.WithDbAsync(async db =>
            {
                var project = await db.Projects.SingleAsync(p => p.Name == name);
                db.ProjectRoles.Add(new Bulwark.Core.Packaging.ProjectRole { ProjectId = project.Id, UserId = owner.Id, Role = Bulwark.Core.Packaging.ProjectRoleKind.Owner, CreatedAt = DateTimeOffset.UtcNow });
                return await db.SaveChangesAsync();
            });
        }
        return (name, token);
    }

    /// <summary>Makes the project look created <paramref name="age"/> ago.</summary>
    protected Task AgeProjectAsync(string name, TimeSpan age) =>
        Server.WithDbAsync(db => db.Projects.Where(p => p.Name == name).ExecuteUpdateAsync(u => u.SetProperty(p => p.CreatedAt, DateTimeOffset.UtcNow - age)));

    /// <summary>An automation account with the observer role (granted by the verb) and a token of it.</summary>
    protected async Task<(string Username, string Token)> ObserverAsync()
    {
        var username = "obs" + Guid.NewGuid().ToString("N")[..8];
        var token = await Server.CreateTokenAsync(username);
        var granted = await CliAsync("user", "role", username, "observer");
        Assert.True(granted.Exit == 0, granted.Err);
        return (username, token);
    }

    /// <summary>An administrator signed in with a passkey (the admin area's rule).</summary>
    protected async Task<(User Admin, Browser Browser)> AdminAsync()
    {
        var (admin, browser) = await SignedInUserAsync("admin", admin: true);
        await EnrolAsync(admin, Factor.Passkey);
        await SessionMethodAsync(admin, AuthMethod.Passkey);
        return (admin, browser);
    }

    protected async Task<HttpResponseMessage> ObserveAsync(string? token, string project, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/danger-api/projects/{project}/observations") { Content = JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Server.CreateClient().SendAsync(request);
    }

    protected async Task<string> SimpleHtmlAsync(string name)
    {
        var response = await Server.CreateClient().GetAsync($"/simple/{name}/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    protected async Task<System.Text.Json.JsonElement> SimpleJsonAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/simple/{name}/");
        request.Headers.Accept.ParseAdd("application/vnd.pypi.simple.v1+json");
        var response = await Server.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    protected Task<HttpStatusCode> StatusOfAsync(string url, HttpClient? client = null) =>
        (client ?? Server.CreateClient()).GetAsync(url).ContinueWith(t => t.Result.StatusCode);

    /// <summary>The file URLs of a release as the JSON API of an active project lists them (read before any quarantine).</summary>
    protected async Task<List<string>> FileUrlsAsync(string name, string version)
    {
        var json = await Server.CreateClient().GetFromJsonAsync<System.Text.Json.JsonElement>($"/pypi/{name}/{version}/json");
        return json.GetProperty("urls").EnumerateArray().Select(u => new Uri(u.GetProperty("url").GetString()!).PathAndQuery).ToList();
    }
}
