using System.Text;
using Bulwark.Core.Upstreams;

namespace Bulwark.Core.Tests.Upstreams;

public sealed class UpstreamPageParserTests
{
    private static readonly Uri Page = new("https://upstream.example/simple/demo-pkg/");
    private const string Sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string MetaSha = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Fact]
    public void Html_anchors_give_files_with_their_data_attributes_and_absolute_urls()
    {
        var html = $"""
            <a href="../../files/demo_pkg-1.0-py3-none-any.whl#sha256={Sha}" data-requires-python="&gt;=3.8" data-core-metadata="sha256={MetaSha}">demo_pkg-1.0-py3-none-any.whl</a>
            <a href='https://files.example/demo_pkg-0.9.tar.gz#sha256={Sha.ToUpperInvariant()}' data-yanked>demo_pkg-0.9.tar.gz</a>
            <a href="https://files.example/demo_pkg-0.8.tar.gz#md5=0123">no sha256</a>
            <a href="https://files.example/other-1.0.tar.gz#sha256={Sha}">another project's file</a>
            <a href="ftp://files.example/demo_pkg-0.7.tar.gz#sha256={Sha}">not http</a>
            """;
        var listing = UpstreamPageParser.ParseHtml("demo-pkg", Page, html);
        Assert.False(listing.FromJson);
        Assert.Equal(2, listing.Files.Count);
        var wheel = listing.Files[0];
        Assert.Equal("https://upstream.example/files/demo_pkg-1.0-py3-none-any.whl", wheel.Url);
        Assert.Equal(">=3.8", wheel.RequiresPython);
        Assert.Equal(MetaSha, wheel.MetadataSha256);
        Assert.Equal("1.0", wheel.Version);
        Assert.False(wheel.Yanked);
        var sdist = listing.Files[1];
        Assert.True(sdist.Yanked);
        Assert.Null(sdist.YankedReason);
        Assert.Equal(Sha, sdist.Sha256);
    }

    [Fact]
    public void Json_files_keep_yank_reasons_sizes_and_upload_times_and_drop_unverifiable_metadata()
    {
        var json = $$$"""
            {"meta": {"api-version": "1.1"}, "name": "demo-pkg", "files": [
              {"filename": "demo_pkg-2.0-py3-none-any.whl", "url": "https://files.example/demo_pkg-2.0-py3-none-any.whl",
               "hashes": {"sha256": "{{{Sha}}}"}, "requires-python": null, "yanked": "bad release", "core-metadata": true,
               "size": 1234, "upload-time": "2025-01-02T03:04:05.123456Z"},
              {"filename": "demo_pkg-1.0.tar.gz", "url": "demo_pkg-1.0.tar.gz", "hashes": {"sha256": "{{{Sha}}}"},
               "dist-info-metadata": {"sha256": "{{{MetaSha}}}"}},
              {"filename": "../../etc/passwd", "url": "https://files.example/x", "hashes": {"sha256": "{{{Sha}}}"}}
            ]}
            """;
        var listing = UpstreamPageParser.ParseJson("demo-pkg", Page, Encoding.UTF8.GetBytes(json));
        Assert.True(listing.FromJson);
        Assert.Equal(2, listing.Files.Count);
        var wheel = listing.Files[0];
        Assert.Equal("bad release", wheel.YankedReason);
        Assert.Null(wheel.MetadataSha256);
        Assert.Equal(1234, wheel.Size);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 123, TimeSpan.Zero).AddTicks(4560), wheel.UploadTime);
        Assert.Equal(MetaSha, listing.Files[1].MetadataSha256);
        Assert.Equal("https://upstream.example/simple/demo-pkg/demo_pkg-1.0.tar.gz", listing.Files[1].Url);
    }

    [Fact]
    public void Json_strings_that_are_not_text_drop_the_file_instead_of_throwing()
    {
        // An upstream (or whatever answers in its place) controls these bytes; GetString threw on all three.
        var json = $$$"""
            {"files": [
              {"filename": "demo_pkg-3.0.tar.gz\ud800", "url": "https://files.example/a", "hashes": {"sha256": "{{{Sha}}}"}},
              {"filename": "demo_pkg-2.0.tar.gz", "url": "https://files.example/\u0000", "hashes": {"sha256": "{{{Sha}}}"}},
              {"filename": "demo_pkg-1.0.tar.gz", "url": "https://files.example/b", "hashes": {"sha256": "{{{Sha}}}"}, "yanked": "\udc00"}
            ]}
            """;
        var listing = UpstreamPageParser.ParseJson("demo-pkg", Page, Encoding.UTF8.GetBytes(json));
        var kept = Assert.Single(listing.Files);
        Assert.Equal("demo_pkg-1.0.tar.gz", kept.Filename);
        Assert.True(kept.Yanked);
        Assert.Null(kept.YankedReason);
    }

    [Fact]
    public void A_stored_listing_reads_back_equal()
    {
        var listing = UpstreamPageParser.ParseHtml("demo-pkg", Page, $"<a href=\"/f/demo_pkg-1.0.tar.gz#sha256={Sha}\" data-yanked=\"why\">x</a>");
        var again = UpstreamListing.FromStoredJson(listing.ToStoredJson());
        Assert.Equal(listing.Files, again.Files);
    }
}
