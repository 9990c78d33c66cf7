using System.Net;
using System.Text;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Web;

/// <summary>
/// Hostile input to the web pages' forms from a browser that holds a valid antiforgery token: empty fields,
/// forms the form reader refuses, and methods a page has no handler for. Each is answered by the page or by an
/// error page that names the problem, never a server error.
/// </summary>
public abstract class PageFormInputTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Empty_fields_are_answered_by_the_page_not_a_server_error()
    {
        var browser = NewBrowser();
        var login = await browser.GetAsync("/account/login");
        var signIn = await browser.SubmitAsync(login, "#login-form", [Field("Username", ""), Field("Password", "")]);
        Assert.Equal(HttpStatusCode.OK, signIn.Status);
        Assert.Contains("username or password is incorrect", signIn.Text);

        var register = await browser.GetAsync("/account/register");
        var registered = await browser.SubmitAsync(register, "#register-form", [Field("Username", "  "), Field("Email", ""), Field("Password", "")]);
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        Assert.Null(registered.Find("#registration-accepted"));

        var forgot = await browser.GetAsync("/account/forgot-password");
        var asked = await browser.SubmitAsync(forgot, "#forgot-form", [Field("Login", "")]);
        Assert.True((int)asked.Status < 500, $"forgot-password answered {(int)asked.Status}");

        var reset = await browser.PostRawAsync("/account/reset-password", [Field("Token", ""), Field("Password", ""), Field("__csrf", Csrf(login))]);
        Assert.True((int)reset.StatusCode < 500, $"reset-password answered {(int)reset.StatusCode}");

        var (_, signedIn) = await SignedInUserAsync("empty");
        var settings = await signedIn.GetAsync("/account/settings");
        var changed = await signedIn.SubmitAsync(settings, "#email-form", [Field("NewEmail", ""), Field("CurrentPassword", "")]);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
    }

    [Fact]
    public async Task Forms_the_reader_refuses_are_answered_naming_the_problem()
    {
        var browser = NewBrowser();
        var login = await browser.GetAsync("/account/login");
        var csrf = Csrf(login);

        var nul = await PostAsync(browser, "/account/register", "Username=a%00b&Email=a%40example.org&Password=x&__csrf=" + Uri.EscapeDataString(csrf));
        await AssertRefusedAsync(nul, HttpStatusCode.BadRequest, "NUL character");

        var fields = string.Join("&", Enumerable.Range(0, 1100).Select(i => $"k{i}=v")) + "&__csrf=" + Uri.EscapeDataString(csrf);
        await AssertRefusedAsync(await PostAsync(browser, "/account/login", fields), HttpStatusCode.BadRequest, "more than 1024 fields");

        var large = "Username=" + new string('u', 2 * 1024 * 1024) + "&__csrf=" + Uri.EscapeDataString(csrf);
        await AssertRefusedAsync(await PostAsync(browser, "/account/login", large), HttpStatusCode.RequestEntityTooLarge, "larger than 1048576 bytes");

        using var get = new HttpRequestMessage(HttpMethod.Get, "/account/login") { Content = new ByteArrayContent(Encoding.ASCII.GetBytes("--x\r\nnot a part")) };
        get.Content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");
        await AssertRefusedAsync(await browser.Client.SendAsync(get), HttpStatusCode.BadRequest, "form could not be read");
    }

    [Fact]
    public async Task A_method_the_page_has_no_handler_for_is_405_even_with_a_valid_token()
    {
        var user = await CreateUserAsync("method");
        var browser = NewBrowser();
        var login = await browser.GetAsync("/account/login");
        foreach (var (method, path) in new[] { ("PUT", $"/user/{user.Username}/"), ("DELETE", "/"), ("POST", $"/user/{user.Username}/") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new FormUrlEncodedContent([Field("__csrf", Csrf(login))]),
            };
            var response = await browser.Client.SendAsync(request);
            await AssertRefusedAsync(response, HttpStatusCode.MethodNotAllowed, $"does not answer {method} requests");
            Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
        }
    }

    [Fact]
    public async Task A_post_without_naming_one_of_the_pages_actions_is_404()
    {
        var (_, browser) = await SignedInUserAsync("action");
        var security = await browser.GetAsync("/account/security");
        foreach (var path in new[] { "/account/security", "/account/security?handler=NoSuchAction" })
        {
            var response = await browser.PostRawAsync(path, [Field("__csrf", Csrf(security))]);
            await AssertRefusedAsync(response, HttpStatusCode.NotFound, "no such action");
        }
    }

    [Fact]
    public async Task A_flash_quoting_a_huge_input_stays_one_small_cookie()
    {
        var (owner, browser) = await SignedInUserAsync("flash");
        var project = UniqueName("flash");
        await UploadAsync(owner.Username, new TestDistributions.Spec(project, "1.0"));
        var page = await browser.GetAsync($"/manage/project/{project}/collaborators");
        var invited = await browser.SubmitRawAsync(page, "#invite-form", [Field("username", new string('n', 100_000)), Field("role", "Maintainer")]);

        // The refusal quotes the name; before the bound it was a 135 KB flash cookie in 34 chunks, and the browser's
        // next request exceeded the header limit.
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var flash = Assert.Single(invited.Headers.GetValues("Set-Cookie"), c => c.StartsWith("bulwark-flash", StringComparison.Ordinal));
        Assert.True(flash.Length < 2048, $"the flash cookie is {flash.Length} bytes");
        var shown = await browser.FollowAsync(invited);
        Assert.EndsWith("…", shown.Get(".flash").TextContent.Trim(), StringComparison.Ordinal);
    }

    private static string Csrf(HtmlPage page) => page.Get("input[name=__csrf]").GetAttribute("value")!;

    private static Task<HttpResponseMessage> PostAsync(Browser browser, string path, string body) =>
        browser.Client.PostAsync(path, new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"));

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string mentions)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {response.ReasonPhrase}: {body[..Math.Min(body.Length, 300)]}");
        Assert.Contains(mentions, body, StringComparison.Ordinal);
    }
}

public sealed class PageFormInputTestsSqlite(SqliteServer s) : PageFormInputTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class PageFormInputTestsPostgres(PostgresServer s) : PageFormInputTests<PostgresServer>(s), IClassFixture<PostgresServer>;
