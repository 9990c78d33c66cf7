using AngleSharp.Html.Parser;
using Bulwark.Core.Readmes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Core.Tests.Readmes;

public sealed class ReadmeRendererTests
{
    private static ReadmeRenderer Renderer(ReadmeBudget? budget = null, TimeProvider? time = null) =>
        new(budget ?? new ReadmeBudget(), time ?? TimeProvider.System, NullLogger<ReadmeRenderer>.Instance);

    public static TheoryData<string> Shapes() => new(PathologicalReadmes.All.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Each_pathological_description_renders_within_the_budget_or_falls_back_to_text(string name)
    {
        var readme = PathologicalReadmes.Named(name);
        // Every shape must trip a limit of size or structure, not the clock: a generous time limit keeps the
        // outcome independent of how busy the machine is (the time limit has a test of its own).
        var result = await Renderer(new ReadmeBudget { TimeLimit = TimeSpan.FromMinutes(2) }).RenderAsync(readme.Text, readme.ContentType, CancellationToken.None);

        Assert.NotNull(result);
        switch (readme.Expect)
        {
            case ReadmeExpectation.Renders:
                Assert.True(result.Outcome == ReadmeOutcome.Html, $"{name}: {result.Outcome} ({result.Reason})");
                Assert.Contains(readme.Marker, result.Html);
                break;
            case ReadmeExpectation.FallsBack:
                Assert.True(result.Outcome == ReadmeOutcome.TooComplex, $"{name}: {result.Outcome}");
                Assert.Null(result.Html);
                Assert.Contains(readme.Reason!, result.Reason);
                break;
            case ReadmeExpectation.PlainText:
                Assert.Equal(ReadmeOutcome.PlainText, result.Outcome);
                Assert.Null(result.Html);
                break;
            case ReadmeExpectation.RendersOrTimesOut:
                Assert.True(result.Outcome == ReadmeOutcome.Html || result.Reason == "it took too long to render", $"{name}: {result.Outcome} ({result.Reason})");
                break;
        }
    }

    [Fact]
    public async Task Markdown_is_rendered_and_sanitized()
    {
        const string text = """
            # Title

            Some **bold** and a [link](https://example.org/?a=1&b=2 "say \"hi\"").

            <script>alert(1)</script>
            <img src="https://example.org/x.png" onerror="alert(2)">
            <a href="javascript:alert(3)">click</a>
            <p style="position:fixed">styled &nbsp; 1 &lt; 2</p>
            """;
        var result = await Renderer().RenderAsync(text, "text/markdown; charset=UTF-8; variant=GFM", CancellationToken.None);

        Assert.Equal(ReadmeOutcome.Html, result!.Outcome);
        var html = result.Html!;
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("alert(", html);
        Assert.DoesNotContain("style=", html);
        var fragment = new HtmlParser().ParseDocument("<body>" + html).Body!;
        Assert.Equal("Title", fragment.QuerySelector("h1")!.TextContent);
        var link = fragment.QuerySelectorAll("a").Single(a => a.TextContent == "link");
        Assert.Equal("https://example.org/?a=1&b=2", link.GetAttribute("href"));
        Assert.Equal("say \"hi\"", link.GetAttribute("title"));
        Assert.Equal("nofollow ugc noopener noreferrer", link.GetAttribute("rel"));
        Assert.Equal("styled \u00A0 1 < 2", fragment.QuerySelectorAll("p").Last().TextContent);
    }

    [Fact]
    public async Task The_written_html_parses_back_to_the_same_tree()
    {
        const string text = "<pre>\n\nkeep the blank line</pre>\n\n<table><tr><td>a<td>b</table>\n\n<p title='a\"b&lt;c'>x &amp; y</p>";
        var html = (await Renderer().RenderAsync(text, "text/markdown", CancellationToken.None))!.Html!;

        var once = new HtmlParser().ParseDocument("<body>" + html).Body!;
        var twice = new HtmlParser().ParseDocument("<body>" + once.InnerHtml).Body!;
        Assert.Equal(once.InnerHtml, twice.InnerHtml);
        Assert.Equal("\nkeep the blank line", once.QuerySelector("pre")!.TextContent);
        Assert.Equal("a\"b<c", once.QuerySelector("p[title]")!.GetAttribute("title"));
        Assert.Equal(2, once.QuerySelectorAll("td").Length);
    }

    [Theory]
    [InlineData("text/markdown", null)]
    [InlineData("text/markdown", "   ")]
    [InlineData("text/plain", "")]
    public async Task No_description_is_none(string contentType, string? text)
    {
        Assert.Equal(ReadmeOutcome.None, (await Renderer().RenderAsync(text, contentType, CancellationToken.None))!.Outcome);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/x-rst")]
    [InlineData(null)]
    [InlineData("application/unknown")]
    public async Task Other_content_types_are_text_and_start_no_render(string? contentType)
    {
        var renderer = Renderer();
        var result = await renderer.RenderAsync("# not a heading *here*", contentType, CancellationToken.None);
        Assert.Equal(ReadmeOutcome.PlainText, result!.Outcome);
        Assert.Equal(0, renderer.MarkdownRenders);
    }

    [Fact]
    public async Task A_render_that_runs_out_of_time_falls_back()
    {
        // A clock that does not move: the deadline of a zero limit has passed at the first check.
        var budget = new ReadmeBudget { TimeLimit = TimeSpan.Zero };
        var result = await Renderer(budget, new FakeTimeProvider()).RenderAsync(PathologicalReadmes.Named("ordinary").Text, "text/markdown", CancellationToken.None);

        Assert.Equal(ReadmeOutcome.TooComplex, result!.Outcome);
        Assert.Equal("it took too long to render", result.Reason);
    }

    [Fact]
    public async Task Limits_are_the_budget_s_own()
    {
        var ordinary = PathologicalReadmes.Named("ordinary").Text;
        var tight = Renderer(new ReadmeBudget { MaxNesting = 2 });
        Assert.Contains("nested more than 2", (await tight.RenderAsync(ordinary, "text/markdown", CancellationToken.None))!.Reason);

        var small = Renderer(new ReadmeBudget { MaxHtmlChars = 100 });
        Assert.Contains("HTML is longer than 100", (await small.RenderAsync(ordinary, "text/markdown", CancellationToken.None))!.Reason);

        var few = Renderer(new ReadmeBudget { MaxElements = 5 });
        Assert.Contains("more than 5 HTML elements", (await few.RenderAsync(ordinary, "text/markdown", CancellationToken.None))!.Reason);
    }

    [Fact]
    public async Task Every_markdown_render_is_counted()
    {
        var renderer = Renderer();
        await renderer.RenderAsync("# a", "text/markdown", CancellationToken.None);
        await renderer.RenderAsync(new string('>', 1000), "text/markdown", CancellationToken.None);
        Assert.Equal(2, renderer.MarkdownRenders);
    }
}
