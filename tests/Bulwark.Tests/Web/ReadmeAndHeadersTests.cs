using System.Net;
using Bulwark.Tests.Infrastructure;
using Bulwark.Web;

namespace Bulwark.Tests.Web;

public abstract class ReadmeAndHeadersTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    private const string HostileMarkdown = """
        # Title here

        Some **bold** text and a [link](https://example.org/docs).

        <script>alert('readme')</script>
        <img src="https://example.org/x.png" onerror="alert('img')">
        <a href="javascript:alert('href')">click</a>
        <iframe src="https://evil.example/"></iframe>
        <form action="https://evil.example/"><input name="password"></form>
        <p style="position:fixed">styled</p>

        | a | b |
        |---|---|
        | 1 | 2 |
        """;

    [Fact]
    public async Task Markdown_readme_is_rendered_and_sanitized()
    {
        var name = UniqueName("md");
        await UploadAsync("md-" + name[^6..], new TestDistributions.Spec(name, "1.0") { Description = HostileMarkdown });

        var page = await NewBrowser().GetAsync($"/project/{name}/");
        var readme = page.Get("#description .readme");
        Assert.Equal("Title here", readme.QuerySelector("h1")!.TextContent);
        Assert.Equal("bold", readme.QuerySelector("strong")!.TextContent);
        var link = readme.QuerySelectorAll("a").Single(a => a.TextContent == "link");
        Assert.Equal("https://example.org/docs", link.GetAttribute("href"));
        Assert.Contains("nofollow", link.GetAttribute("rel"));
        Assert.NotNull(readme.QuerySelector("table td"));
        Assert.Equal("https://example.org/x.png", readme.QuerySelector("img")!.GetAttribute("src"));

        Assert.Empty(page.Document.QuerySelectorAll("#description script"));
        Assert.DoesNotContain("alert(", readme.InnerHtml);
        Assert.Null(readme.QuerySelector("iframe"));
        Assert.Null(readme.QuerySelector("form"));
        Assert.Null(readme.QuerySelector("input"));
        Assert.Null(readme.QuerySelector("[onerror]"));
        Assert.Null(readme.QuerySelector("[style]"));
        Assert.DoesNotContain(page.All("script"), s => s.GetAttribute("src") is null);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/x-rst")]
    public async Task Plain_text_and_rst_readmes_are_shown_as_escaped_text(string contentType)
    {
        var name = UniqueName("txt");
        const string text = "Title\n=====\n\n<script>alert('x')</script> and *not emphasis*";
        await UploadAsync("txt-" + name[^6..], new TestDistributions.Spec(name, "1.0") { Description = text, DescriptionContentType = contentType });

        var page = await NewBrowser().GetAsync($"/project/{name}/");
        var pre = page.Get("#description pre.readme-plain");
        Assert.Equal(text, pre.TextContent);
        Assert.Empty(pre.Children);
        Assert.Contains("&lt;script&gt;", page.Html);
    }

    [Fact]
    public async Task Pages_carry_the_security_headers_and_no_hsts_over_plain_http()
    {
        var response = await NewBrowser().GetRawAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));

        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain(" style=", html);
    }

    [Fact]
    public async Task Hsts_is_sent_over_https()
    {
        var response = await NewBrowser("https://localhost").GetRawAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task Api_answers_keep_their_own_shape()
    {
        var client = Server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var upload = await client.PostAsync("/legacy/", UploadForm.For(new TestDistributions.Spec(UniqueName(), "1.0")).ToContent());
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Null(upload.Headers.Location);
        Assert.DoesNotContain("<html", await upload.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("nosniff", Assert.Single(upload.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Unknown_page_is_a_404_page()
    {
        var page = await NewBrowser().GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Equal("Not found", page.Get("h1").TextContent);
    }
}

public sealed class ReadmeAndHeadersTestsSqlite(SqliteServer server) : ReadmeAndHeadersTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class ReadmeAndHeadersTestsPostgres(PostgresServer server) : ReadmeAndHeadersTests<PostgresServer>(server), IClassFixture<PostgresServer>;

public sealed class ProjectLinkTests
{
    [Fact]
    public void Only_http_and_https_urls_become_links()
    {
        var release = new Bulwark.Core.Packaging.Release
        {
            Version = "1",
            CanonicalVersion = "1",
            HomePage = "javascript:alert(1)",
            DownloadUrl = "https://example.org/dl",
            ProjectUrls = ["Source, https://example.org/src", "Bad, javascript:alert(1)", "Data, data:text/html,x", "no comma"],
        };
        var detail = new Bulwark.Core.Browsing.ReleaseDetail { Release = release, Files = [] };
        Assert.Equal([("Source", "https://example.org/src"), ("Download", "https://example.org/dl")],
            detail.Links.Select(l => (l.Label, l.Url)).ToList());
    }

    [Fact]
    public void Meta_shows_short_licenses_and_author_names_without_addresses()
    {
        var release = new Bulwark.Core.Packaging.Release
        {
            Version = "1",
            CanonicalVersion = "1",
            License = new string('x', 500),
            AuthorEmail = "\"Ada L\" <ada@example.org>, bob@example.org, Carol <carol@example.org>",
            RequiresPython = ">=3.9",
        };
        var meta = new Bulwark.Core.Browsing.ReleaseDetail { Release = release, Files = [] }.Meta;
        Assert.Equal([("Author", "Ada L, Carol"), ("Requires", "Python >=3.9")], meta);
        release.LicenseExpression = "MIT OR Apache-2.0";
        Assert.Contains(("License", "MIT OR Apache-2.0"), new Bulwark.Core.Browsing.ReleaseDetail { Release = release, Files = [] }.Meta);
    }
}
