using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Bulwark.Tests.ScaleOut;

/// <summary>
/// Two instances on one PostgreSQL database behave as one index: a change on one is on the other's pages
/// within a second (by NOTIFY; their periodic poll is ten minutes apart), a form rendered by one is accepted
/// by the other (the data-protection key ring is in the database), and a session begun on one is valid on
/// the other.
/// </summary>
public sealed partial class SeveralInstancesTests(TwoInstances instances, ITestOutputHelper output) : IClassFixture<TwoInstances>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_yank_on_one_instance_is_on_the_others_pages_within_a_second()
    {
        await instances.A.SeedAsync(new ReleaseSeed("notify-yank", "1.0"));
        var b = instances.B.CreateRawClient();
        // The seed itself reached B by notification; wait for that before caching the page.
        Assert.True(await Eventually(async () => (await Page(b, "notify-yank")).StatusCode == HttpStatusCode.OK), "the new project should reach B");
        Assert.DoesNotContain("data-yanked", await (await Page(b, "notify-yank")).Content.ReadAsStringAsync());

        await instances.A.WithScopeAsync(sp => sp.GetRequiredService<ReleaseManagement>()
            .SetYankedAsync("notify-yank", "1.0", true, "pulled on A", new Actor("test", "test")));
        var clock = Stopwatch.StartNew();
        var seen = await Eventually(async () => (await (await Page(b, "notify-yank")).Content.ReadAsStringAsync()).Contains("data-yanked=\"pulled on A\""));

        Assert.True(seen, $"B still served the page without the yank {clock.ElapsedMilliseconds} ms after A's write returned");
        output.WriteLine($"The yank was on B's page {clock.Elapsed.TotalMilliseconds:F0} ms after A's write returned.");
        Assert.True(instances.B.Services.GetRequiredService<IndexChangeListener>().Heard > 0);
    }

    [Fact]
    public async Task A_form_rendered_by_one_instance_is_accepted_by_the_other_and_the_session_is_shared()
    {
        const string password = "harbour quiet pencil 58";
        await instances.A.WithScopeAsync(sp => sp.GetRequiredService<UserService>()
            .CreateAsync("roaming", "roaming@example.com", password, false, true, new Actor("test", "test")));
        var a = Client(instances.A);
        var b = Client(instances.B);

        var form = await a.GetAsync("/account/login");
        var cookies = Cookies(form);
        var csrf = CsrfField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent([new("__csrf", WebUtility.HtmlDecode(csrf)), new("Username", "roaming"), new("Password", password)]),
        };
        post.Headers.Add("Cookie", cookies);
        var signedIn = await b.SendAsync(post);

        // 400 would be an antiforgery token B cannot read: a key ring of its own.
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = Cookies(signedIn);
        var account = new HttpRequestMessage(HttpMethod.Get, "/account/");
        account.Headers.Add("Cookie", session);
        var onA = await a.SendAsync(account);
        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        Assert.Contains("roaming", await onA.Content.ReadAsStringAsync());

        var keys = await instances.A.WithDbAsync(db => db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.DoesNotContain("<masterKey", k));
        Assert.False(Directory.Exists(Path.Combine(instances.A.DataDirectory, "keys", "data-protection")), "no key-ring files on PostgreSQL");
    }

    [Fact]
    public async Task Instances_started_together_on_an_empty_ring_share_one_key()
    {
        await using var fresh = await TwoInstances.StartTogetherAsync();

        Assert.Equal(1, await fresh.A.WithDbAsync(db => db.DataProtectionKeys.CountAsync()));
        var fromA = fresh.A.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("made on A");
        var fromB = fresh.B.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("made on B");
        Assert.Equal("made on A", fresh.B.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(fromA));
        Assert.Equal("made on B", fresh.A.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(fromB));
    }

    private static HttpClient Client(BulwarkServer server)
    {
        var client = server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add(TestClientAddress.Header, "2001:db8:5ca1::1");
        return client;
    }

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : []);

    private static Task<HttpResponseMessage> Page(HttpClient client, string name) => client.GetWithAcceptAsync($"/simple/{name}/", "text/html");

    /// <summary>True as soon as <paramref name="condition"/> holds, false when it still does not after <see cref="Bound"/>.</summary>
    private static async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition()) return true;
            if (clock.Elapsed > Bound) return false;
            await Task.Delay(20);
        }
    }

    [GeneratedRegex("name=\"__csrf\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
