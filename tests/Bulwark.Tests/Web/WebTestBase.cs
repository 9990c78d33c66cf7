using System.Net;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Web;

public abstract class WebTestBase<TServer>(TServer server) where TServer : BulwarkServer
{
    protected const string Password = "tundra velvet gossip 41";

    protected TServer Server { get; } = server;

    protected static string UniqueName(string stem = "web") => $"{stem}-{Guid.NewGuid().ToString("N")[..10]}";

    protected Browser NewBrowser(string baseAddress = "http://localhost") => new(Server, baseAddress);

    /// <summary>An account that can sign in on the web (password set), verified unless told otherwise.</summary>
    protected async Task<User> CreateUserAsync(string stem = "u", bool verified = true, bool admin = false)
    {
        var username = stem + Guid.NewGuid().ToString("N")[..8];
        return await Server.WithScopeAsync(async sp =>
        {
            var result = await sp.GetRequiredService<UserService>()
                .CreateAsync(username, $"{username}@example.com", Password, admin, verified, new Actor("test", "test"));
            Assert.True(result.Succeeded, result.Refusal?.Message);
            return result.Value;
        });
    }

    /// <summary>Signs <paramref name="username"/> in through the login form; returns the browser.</summary>
    protected async Task<Browser> SignInAsync(string username, Browser? browser = null)
    {
        browser ??= NewBrowser();
        var form = await browser.GetAsync("/account/login");
        var landed = await browser.SubmitAsync(form, "#login-form", [new("Username", username), new("Password", Password)]);
        Assert.True(landed.Status == HttpStatusCode.OK, $"sign-in of {username} ended in {(int)landed.Status}: {landed.Text}");
        Assert.Null(landed.Find("#login-form"));
        return browser;
    }

    protected async Task<(User User, Browser Browser)> SignedInUserAsync(string stem = "u", bool verified = true, bool admin = false)
    {
        var user = await CreateUserAsync(stem, verified, admin);
        return (user, await SignInAsync(user.Username));
    }

    /// <summary>Uploads a wheel through the real upload API with a token of <paramref name="username"/>.</summary>
    protected async Task UploadAsync(string username, TestDistributions.Spec spec, bool wheel = true, string? token = null)
    {
        var response = await TryUploadAsync(token ?? await Server.CreateTokenAsync(username), spec, wheel);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"upload of {spec.Name} {spec.Version} failed: {(int)response.StatusCode} {response.ReasonPhrase} {body}");
    }

    protected async Task<HttpResponseMessage> TryUploadAsync(string token, TestDistributions.Spec spec, bool wheel = true)
    {
        var client = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = UploadForm.For(spec, wheel).ToContent() };
        request.Headers.Authorization = UploadForm.TokenAuth(token);
        return await client.SendAsync(request);
    }

    /// <summary>Makes the user's sessions look signed in <paramref name="age"/> ago (for the re-authentication window).</summary>
    protected Task AgeAuthenticationAsync(long userId, TimeSpan age) =>
        Server.WithDbAsync(async db =>
        {
            var sessions = await db.UserSessions.Where(s => s.UserId == userId).ToListAsync();
            foreach (var s in sessions) s.AuthenticatedAt -= age;
            return await db.SaveChangesAsync();
        });

    protected Task<List<AuditEvent>> AuditAsync(Func<AuditEvent, bool> filter) =>
        Server.WithDbAsync(async db => (await db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync()).Where(filter).ToList());

    protected static KeyValuePair<string, string> Field(string name, string value) => new(name, value);
}
