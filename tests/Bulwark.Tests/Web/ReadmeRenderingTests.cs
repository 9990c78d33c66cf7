using System.Net;
using Bulwark.Core.Readmes;
using Bulwark.Core.Tests.Readmes;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Web;

/// <summary>
/// Descriptions are rendered once, when the upload creates the release, and stored; project pages show the
/// stored result, answer 200 for every pathological description, and never render Markdown themselves.
/// </summary>
public abstract class ReadmeRenderingTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    private long Renders => Server.Services.GetRequiredService<ReadmeRenderer>().MarkdownRenders;

    /// <summary>The shapes the hostile README report found: every one answered 500 or took minutes per view.</summary>
    public static TheoryData<string> ReportedShapes() => new(
        "quote-run", "bracket-run", "emphasis-words", "underscore-words", "list-indented-600-deep", "list-inline", "div-run",
        "www-links", "www-links-100k");

    [Theory]
    [MemberData(nameof(ReportedShapes))]
    public async Task A_pathological_readme_is_stored_as_text_and_every_view_answers_200_without_rendering(string shape)
    {
        var readme = PathologicalReadmes.Named(shape);
        var name = UniqueName("readme");
        var before = Renders;
        await UploadAsync("rd-" + name[^6..], new TestDistributions.Spec(name, "1.0") { Description = readme.Text, DescriptionContentType = readme.ContentType });
        // One Markdown render at most (none for a description too long to parse).
        var afterUpload = Renders;
        Assert.InRange(afterUpload - before, 0, 1);

        var stored = await StoredAsync(name);
        Assert.NotNull(stored);
        Assert.Equal(ReadmeOutcome.TooComplex, stored.Outcome);
        Assert.Contains(readme.Reason!, stored.Reason);
        Assert.Null(stored.Html);

        foreach (var path in new[] { $"/project/{name}/", $"/project/{name}/", $"/project/{name}/1.0/" })
        {
            var page = await NewBrowser().GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.StartsWith(readme.Marker, page.Get("#description pre.readme-plain").TextContent);
            Assert.Contains("too complex to render", page.Get("#description .readme-note").TextContent);
        }
        Assert.Equal(afterUpload, Renders);
    }

    [Fact]
    public async Task An_ordinary_readme_is_stored_as_html_at_upload_and_shown_from_storage()
    {
        var name = UniqueName("readme");
        await UploadAsync("ro-" + name[^6..], new TestDistributions.Spec(name, "1.0") { Description = PathologicalReadmes.Named("ordinary").Body });
        var stored = await StoredAsync(name);
        Assert.Equal(ReadmeOutcome.Html, stored!.Outcome);
        Assert.Equal(ReadmeRenderer.Version, stored.RendererVersion);

        // The page shows what is stored, not a fresh rendering: change the stored HTML and look.
        await Server.WithDbAsync(db => db.RenderedDescriptions.Where(d => d.ReleaseId == stored.ReleaseId)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Html, "<h1>From storage</h1>")));
        var before = Renders;
        var page = await NewBrowser().GetAsync($"/project/{name}/");
        Assert.Equal("From storage", page.Get("#description .readme h1").TextContent);
        Assert.Null(page.Find("#description .readme-note"));
        Assert.Equal(before, Renders);
    }

    [Fact]
    public async Task A_release_stored_before_rendering_at_upload_is_rendered_on_its_first_view_only()
    {
        var name = UniqueName("readme");
        await UploadAsync("rp-" + name[^6..], new TestDistributions.Spec(name, "1.0") { Description = "# Old release\n\ntext" });
        var releaseId = (await StoredAsync(name))!.ReleaseId;
        await Server.WithDbAsync(db => db.RenderedDescriptions.Where(d => d.ReleaseId == releaseId).ExecuteDeleteAsync());

        var before = Renders;
        var first = await NewBrowser().GetAsync($"/project/{name}/");
        Assert.Equal("Old release", first.Get("#description .readme h1").TextContent);
        Assert.Equal(before + 1, Renders);
        Assert.Equal(ReadmeOutcome.Html, (await StoredAsync(name))!.Outcome);

        var second = await NewBrowser().GetAsync($"/project/{name}/");
        Assert.Equal("Old release", second.Get("#description .readme h1").TextContent);
        Assert.Equal(before + 1, Renders);
    }

    [Fact]
    public async Task A_rendering_by_an_older_renderer_version_is_redone_once()
    {
        var name = UniqueName("readme");
        await UploadAsync("rv-" + name[^6..], new TestDistributions.Spec(name, "1.0") { Description = "# Current" });
        var releaseId = (await StoredAsync(name))!.ReleaseId;
        await Server.WithDbAsync(db => db.RenderedDescriptions.Where(d => d.ReleaseId == releaseId)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.RendererVersion, ReadmeRenderer.Version - 1).SetProperty(d => d.Html, "<p>stale</p>")));

        var before = Renders;
        Assert.Equal("Current", (await NewBrowser().GetAsync($"/project/{name}/")).Get("#description .readme h1").TextContent);
        Assert.Equal("Current", (await NewBrowser().GetAsync($"/project/{name}/")).Get("#description .readme h1").TextContent);
        Assert.Equal(before + 1, Renders);
        Assert.Equal(ReadmeRenderer.Version, (await StoredAsync(name))!.RendererVersion);
    }

    [Fact]
    public async Task A_second_file_of_a_release_does_not_render_again()
    {
        var name = UniqueName("readme");
        var user = "rs-" + name[^6..];
        var spec = new TestDistributions.Spec(name, "1.0") { Description = "# First file" };
        await UploadAsync(user, spec);
        var before = Renders;
        await UploadAsync(user, spec, wheel: false);
        Assert.Equal(before, Renders);
        Assert.Equal(ReadmeOutcome.Html, (await StoredAsync(name))!.Outcome);
    }

    private Task<RenderedDescription?> StoredAsync(string project) =>
        Server.WithDbAsync(db => db.RenderedDescriptions.AsNoTracking()
            .Where(d => d.Release.Project.NormalizedName == project)
            .FirstOrDefaultAsync());
}

public sealed class ReadmeRenderingTestsSqlite(SqliteServer server) : ReadmeRenderingTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class ReadmeRenderingTestsPostgres(PostgresServer server) : ReadmeRenderingTests<PostgresServer>(server), IClassFixture<PostgresServer>;
