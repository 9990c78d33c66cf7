using System.Text;
using Bulwark.Core.Index;

namespace Bulwark.Core.Tests.Index;

public class RootListingTests
{
    private static readonly RootEntry[] Entries =
    [
        new("a<b", "a-b", 41),
        new("Foo_Bar", "foo-bar", 40),
        new("naïve\"quote", "naive-quote", 7),
        new("zz", "zz", 1),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Streamed_segments_give_the_same_bytes_as_one_full_render(int segmentSize)
    {
        var snapshot = new RootSnapshot(Entries.Chunk(segmentSize).Select(RootSegment.Create).ToArray(), 42);
        var full = new SimpleRoot(42, Entries.Select(e => new IndexEntry(e.Name, e.NormalizedName, e.LastSerial)).ToList());

        Assert.Equal(Encoding.UTF8.GetString(SimpleHtmlRenderer.RenderRoot(full)), Encoding.UTF8.GetString(snapshot.ToArray(SimpleFormat.Html)));
        Assert.Equal(Encoding.UTF8.GetString(SimpleJsonRenderer.RenderRoot(full)), Encoding.UTF8.GetString(snapshot.ToArray(SimpleFormat.Json)));
        Assert.Equal(snapshot.ToArray(SimpleFormat.Html).Length, snapshot.HtmlLength);
        Assert.Equal(snapshot.ToArray(SimpleFormat.Json).Length, snapshot.JsonLength);
        Assert.Equal(4, snapshot.Count);
    }

    [Fact]
    public void Etags_depend_on_the_entries_and_the_serial_not_on_the_segmentation()
    {
        var one = new RootSnapshot([RootSegment.Create(Entries)], 42);
        var many = new RootSnapshot(Entries.Chunk(1).Select(RootSegment.Create).ToArray(), 42);
        Assert.Equal(one.HtmlETag, many.HtmlETag);
        Assert.Equal(one.JsonETag, many.JsonETag);

        // The serial is only in the JSON body; a changed entry changes both.
        var later = new RootSnapshot([RootSegment.Create(Entries)], 43);
        Assert.Equal(one.HtmlETag, later.HtmlETag);
        Assert.NotEqual(one.JsonETag, later.JsonETag);
        var renamed = new RootSnapshot([RootSegment.Create([.. Entries[..3], new RootEntry("ZZ", "zz", 1)])], 42);
        Assert.NotEqual(one.HtmlETag, renamed.HtmlETag);
        Assert.NotEqual(one.HtmlETag, one.VendorHtmlETag);
    }

    [Fact]
    public void An_empty_listing_is_valid_html_and_json()
    {
        var empty = new RootSnapshot([], 0);
        Assert.Contains("<body>", Encoding.UTF8.GetString(empty.ToArray(SimpleFormat.Html)));
        using var doc = System.Text.Json.JsonDocument.Parse(empty.ToArray(SimpleFormat.Json));
        Assert.Equal(0, doc.RootElement.GetProperty("projects").GetArrayLength());
    }
}

public class IndexGenerationsTests
{
    [Fact]
    public void A_change_moves_the_project_and_the_global_counter_and_leaves_other_stripes_alone()
    {
        var g = new IndexGenerations();
        var (a, b, global) = (g.Of("alpha"), g.Of("beta"), g.Global);
        g.Changed("alpha");
        Assert.NotEqual(a, g.Of("alpha"));
        Assert.NotEqual(global, g.Global);
        // Stripes are shared by hash; "beta" may share one with "alpha", but then both moved together.
        Assert.True(g.Of("beta") == b || g.Of("beta") == b + 1);
        var before = g.Of("beta");
        g.ChangedAll();
        Assert.NotEqual(before, g.Of("beta"));
    }
}
