using System.IO.Compression;
using System.Text;
using Bulwark.Core.Index;

namespace Bulwark.Core.Tests.Index;

public class RenderedPageTests
{
    private static readonly byte[] Large = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 200).Select(i => $"<a href=\"files/{i:x4}\">pkg-{i}.whl</a>\n")));

    [Fact]
    public void A_compressed_copy_is_made_on_first_use_and_then_kept()
    {
        var page = new RenderedPage(Large, new PageVersion(1));
        Assert.True(page.Compressible);

        var gzip = page.Encoded("gzip");
        Assert.Same(gzip, page.Encoded("gzip"));
        Assert.True(gzip.Length < Large.Length);
        using (var unzip = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress))
        using (var plain = new MemoryStream())
        {
            unzip.CopyTo(plain);
            Assert.Equal(Large, plain.ToArray());
        }

        var brotli = page.Encoded("br");
        Assert.Same(brotli, page.Encoded("br"));
        Assert.Equal(Large, DecompressBrotli(brotli));
    }

    [Fact]
    public void Racing_first_uses_all_get_the_one_kept_copy()
    {
        var page = new RenderedPage(Large, new PageVersion(1));
        var copies = new byte[16][];
        Parallel.For(0, copies.Length, i => copies[i] = page.Encoded("gzip"));
        Assert.All(copies, c => Assert.Same(page.Encoded("gzip"), c));
    }

    [Fact]
    public void A_small_page_is_never_compressed_and_an_unknown_coding_is_refused()
    {
        var small = new RenderedPage([1, 2, 3], new PageVersion(1));
        Assert.False(small.Compressible);
        Assert.Throws<InvalidOperationException>(() => small.Encoded("gzip"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RenderedPage(Large, new PageVersion(1)).Encoded("deflate"));
    }

    [Fact]
    public void The_cache_accounts_for_the_copies_before_they_exist()
    {
        var page = new RenderedPage(Large, new PageVersion(1));
        var before = page.Footprint;
        var made = page.Encoded("gzip").Length + page.Encoded("br").Length;
        Assert.True(before >= Large.Length + made, $"footprint {before} < body {Large.Length} + copies {made}");
        Assert.Equal(before, page.Footprint);
    }

    private static byte[] DecompressBrotli(byte[] data)
    {
        using var input = new BrotliStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
