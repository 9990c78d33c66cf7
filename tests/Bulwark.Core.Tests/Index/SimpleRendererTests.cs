using System.Text;
using System.Text.Json;
using Bulwark.Core.Index;

namespace Bulwark.Core.Tests.Index;

public class SimpleRendererTests
{
    private static readonly DateTimeOffset Time = new(2024, 3, 20, 13, 0, 33, TimeSpan.Zero);

    private static IndexFile File(string name, string? requires = null, bool yanked = false, string? reason = null, string? meta = null) =>
        new(name, $"ab/cd/{new string('e', 60)}/{name}", new string('1', 64), requires, 10, Time, meta, "1.0", yanked, reason);

    [Fact]
    public void Html_escapes_every_value_that_comes_from_an_upload()
    {
        var page = new SimpleDetail("evil", 7, ProjectStatus.Active, ["1.0"],
            [File("evil-1.0\"><script>.tar.gz", requires: ">=3.8,<4", yanked: true, reason: "a'b\"c<d>&e")]);
        var html = Encoding.UTF8.GetString(SimpleHtmlRenderer.RenderDetail(page));
        Assert.Contains("data-requires-python=\"&gt;=3.8,&lt;4\"", html);
        Assert.Contains("data-yanked=\"a&#x27;b&quot;c&lt;d&gt;&amp;e\"", html);
        Assert.Contains(">evil-1.0&quot;&gt;&lt;script&gt;.tar.gz</a>", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("%22%3E%3Cscript%3E.tar.gz#sha256=", html);
    }

    [Fact]
    public void Plain_files_carry_only_href_and_text()
    {
        var page = new SimpleDetail("plain", 3, ProjectStatus.Active, ["1.0"], [File("plain-1.0.tar.gz")]);
        var html = Encoding.UTF8.GetString(SimpleHtmlRenderer.RenderDetail(page));
        var link = html.Split('\n').Single(l => l.Contains("<a "));
        Assert.Equal($"    <a href=\"../../files/ab/cd/{new string('e', 60)}/plain-1.0.tar.gz#sha256={new string('1', 64)}\">plain-1.0.tar.gz</a><br />", link);
        Assert.EndsWith("<!--SERIAL 3-->\n", html);
    }

    [Fact]
    public void Json_detail_has_pep691_700_714_792_fields()
    {
        var page = new SimpleDetail("proj", 9, ProjectStatus.Quarantined, ["1.0"], [File("proj-1.0.tar.gz", meta: new string('f', 64), yanked: true)]);
        using var doc = JsonDocument.Parse(SimpleJsonRenderer.RenderDetail(page));
        var root = doc.RootElement;
        Assert.Equal(["alternate-locations", "files", "meta", "name", "project-status", "versions"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("quarantined", root.GetProperty("project-status").GetProperty("status").GetString());
        var f = root.GetProperty("files")[0];
        Assert.Equal(
            ["core-metadata", "data-dist-info-metadata", "filename", "hashes", "provenance", "requires-python", "size", "upload-time", "url", "yanked"],
            f.EnumerateObject().Select(p => p.Name));
        Assert.True(f.GetProperty("yanked").GetBoolean());
        Assert.Equal(new string('f', 64), f.GetProperty("core-metadata").GetProperty("sha256").GetString());
        Assert.Equal("2024-03-20T13:00:33Z", f.GetProperty("upload-time").GetString());
    }

    [Fact]
    public void Json_keeps_comparison_operators_readable()
    {
        var page = new SimpleDetail("p", 1, ProjectStatus.Active, ["1.0"], [File("p-1.0.tar.gz", requires: ">=3.8,<4")]);
        var text = Encoding.UTF8.GetString(SimpleJsonRenderer.RenderDetail(page));
        Assert.Contains("\"requires-python\":\">=3.8,<4\"", text);
    }

    [Fact]
    public void Root_links_use_normalized_names_and_show_display_names()
    {
        var root = new SimpleRoot(42, [new IndexEntry("Foo_Bar", "foo-bar", 40), new IndexEntry("a<b", "a-b", 41)]);
        var html = Encoding.UTF8.GetString(SimpleHtmlRenderer.RenderRoot(root));
        Assert.Contains("<a href=\"foo-bar/\">Foo_Bar</a>", html);
        Assert.Contains("<a href=\"a-b/\">a&lt;b</a>", html);
        using var doc = JsonDocument.Parse(SimpleJsonRenderer.RenderRoot(root));
        Assert.Equal(42, doc.RootElement.GetProperty("meta").GetProperty("_last-serial").GetInt64());
        Assert.Equal(40, doc.RootElement.GetProperty("projects")[0].GetProperty("_last-serial").GetInt64());
    }
}
