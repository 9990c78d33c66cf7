using System.Net;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Web;

public abstract class PublicPagesTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task Home_page_searches_names_and_summaries()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var byName = $"zebra-{marker}";
        var bySummary = UniqueName("other");
        var owner = "home-" + marker;
        await UploadAsync(owner, new TestDistributions.Spec(byName, "1.0"));
        await UploadAsync(owner, new TestDistributions.Spec(bySummary, "2.0") { Summary = $"Handles striped {marker} things" });

        var browser = NewBrowser();
        var found = await browser.GetAsync($"/?q={marker}");
        Assert.Equal(HttpStatusCode.OK, found.Status);
        var names = found.All(".project-card-name").Select(e => e.TextContent).ToList();
        Assert.Equal(new[] { byName, bySummary }.Order(), names.Order());
        Assert.Contains("2 projects matching", found.Text);
        var card = found.All(".project-card").Single(c => c.QuerySelector(".project-card-name")!.TextContent == bySummary);
        Assert.Equal("2.0", card.QuerySelector(".project-card-version")!.TextContent);
        Assert.Equal($"/project/{bySummary}/", card.GetAttribute("href"));

        var exact = await browser.GetAsync($"/?q={byName.ToUpperInvariant()}");
        Assert.Equal(byName, exact.All(".project-card-name").First().TextContent);

        var none = await browser.GetAsync($"/?q=nothing-{marker}-here");
        Assert.Contains("No projects found", none.Text);
        Assert.Empty(none.All(".project-card"));
    }

    [Fact]
    public async Task Search_results_are_paged()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var owner = "pager-" + marker;
        var token = await Server.CreateTokenAsync(owner);
        for (var i = 0; i < 22; i++) await UploadAsync(owner, new TestDistributions.Spec($"paged-{marker}-{i:D2}", "1.0"), token: token);

        var browser = NewBrowser();
        var first = await browser.GetAsync($"/?q=paged-{marker}");
        Assert.Equal(20, first.All(".project-card").Count);
        Assert.Contains("Page 1 of 2", first.Get(".pager").TextContent);
        var next = first.Get(".pager a[rel=next]").GetAttribute("href")!;
        var second = await browser.GetAsync(next);
        Assert.Equal(2, second.All(".project-card").Count);
        Assert.Null(second.Find(".pager a[rel=next]"));
        Assert.Empty(first.All(".project-card-name").Select(e => e.TextContent).Intersect(second.All(".project-card-name").Select(e => e.TextContent)));
    }

    [Fact]
    public async Task Project_page_shows_latest_release_files_history_maintainers_links_and_install_command()
    {
        var name = UniqueName("proj");
        var owner = "projowner-" + name[^6..];
        var urls = "Home-page: https://example.org/home\nProject-URL: Source, https://example.org/src\nLicense: MIT\n";
        var wheel = new TestDistributions.Spec(name, "1.0") { ExtraMetadata = urls };
        await UploadAsync(owner, wheel);
        await UploadAsync(owner, new TestDistributions.Spec(name, "1.0"), wheel: false);
        await UploadAsync(owner, new TestDistributions.Spec(name, "2.0") { Summary = "Second", ExtraMetadata = urls });
        await UploadAsync(owner, new TestDistributions.Spec(name, "3.0rc1"));
        await Server.WithScopeAsync(sp => sp.GetRequiredService<ReleaseManagement>()
            .SetYankedAsync(name, "2.0", true, "Broken <b>build</b>", new Actor("test", "test")));

        var page = await NewBrowser().GetAsync($"/project/{name}/");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        // 2.0 is yanked and 3.0rc1 is a pre-release, so the page leads with 1.0.
        Assert.Equal($"{name} 1.0", page.Get("h1").TextContent.Trim());
        Assert.Equal($"pip install --index-url http://localhost/simple/ {name}", page.Get("#install-command").TextContent);

        var files = page.All("table.files tbody tr");
        Assert.Equal(2, files.Count);
        var wheelSha = FileDigests.Compute(TestDistributions.Wheel(wheel)).Sha256;
        var wheelRow = files.Single(r => r.QuerySelector("a")!.TextContent == wheel.WheelFilename);
        Assert.Equal(wheelSha, wheelRow.QuerySelector(".hash code")!.TextContent);
        Assert.StartsWith("/files/", wheelRow.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains(files, r => r.QuerySelector("a")!.TextContent == wheel.SdistFilename);

        var history = page.All(".release-history li").Select(li => li.QuerySelector("a")!.TextContent).ToList();
        Assert.Equal(["3.0rc1", "2.0", "1.0"], history);
        var yanked = page.All(".release-history li").Single(li => li.QuerySelector("a")!.TextContent == "2.0");
        Assert.Contains("yanked", yanked.TextContent);
        Assert.Equal("Broken <b>build</b>", yanked.QuerySelector(".yank-reason")!.TextContent);
        Assert.Contains("Broken &lt;b&gt;build&lt;/b&gt;", page.Html);

        var maintainer = page.Get(".maintainers li a");
        Assert.Equal(owner, maintainer.TextContent);
        Assert.Equal($"/user/{owner}/", maintainer.GetAttribute("href"));

        var links = page.All(".links a").ToDictionary(a => a.TextContent, a => a.GetAttribute("href"));
        Assert.Equal("https://example.org/home", links["Homepage"]);
        Assert.Equal("https://example.org/src", links["Source"]);
        Assert.Contains("MIT", page.Get("dl.meta").TextContent);
    }

    [Fact]
    public async Task Release_page_shows_one_version_and_says_when_it_is_yanked_or_not_latest()
    {
        var name = UniqueName("rel");
        var owner = "relowner-" + name[^6..];
        await UploadAsync(owner, new TestDistributions.Spec(name, "1.0"));
        await UploadAsync(owner, new TestDistributions.Spec(name, "1.1"));
        await Server.WithScopeAsync(sp => sp.GetRequiredService<ReleaseManagement>()
            .SetYankedAsync(name, "1.0", true, "security hole", new Actor("test", "test")));

        var browser = NewBrowser();
        var old = await browser.GetAsync($"/project/{name}/1.0/");
        Assert.Equal(HttpStatusCode.OK, old.Status);
        Assert.Equal($"{name} 1.0", old.Get("h1").TextContent.Trim());
        Assert.Contains("This release has been yanked", old.Get(".notice-warning").TextContent);
        Assert.Contains("security hole", old.Get(".notice-warning").TextContent);
        Assert.Contains("The latest is", old.Text);
        Assert.Equal($"pip install --index-url http://localhost/simple/ {name}==1.0", old.Get("#install-command").TextContent);
        Assert.Contains(new TestDistributions.Spec(name, "1.0").WheelFilename, old.Get("table.files").TextContent);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/project/{name}/9.9/")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/project/no-such-{name}/")).Status);
        var alias = await browser.GetRawAsync($"/project/{name.ToUpperInvariant()}/");
        Assert.Equal(HttpStatusCode.MovedPermanently, alias.StatusCode);
        Assert.Equal($"/project/{name}/", alias.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Profile_page_lists_the_users_projects()
    {
        var name = UniqueName("prof");
        var owner = "profiled-" + name[^6..];
        await UploadAsync(owner, new TestDistributions.Spec(name, "0.1") { Summary = "Profiled package" });

        var browser = NewBrowser();
        var page = await browser.GetAsync($"/user/{owner}/");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(owner, page.Get("h1").TextContent);
        var card = page.Get(".project-card");
        Assert.Equal(name, card.QuerySelector(".project-card-name")!.TextContent);
        Assert.Contains("Profiled package", card.TextContent);
        Assert.Contains("Owner", card.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/user/nobody-{name}/")).Status);
    }
}

public sealed class PublicPagesTestsSqlite(SqliteServer server) : PublicPagesTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class PublicPagesTestsPostgres(PostgresServer server) : PublicPagesTests<PostgresServer>(server), IClassFixture<PostgresServer>;
