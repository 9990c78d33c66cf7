using Bulwark.Core.Index;

namespace Bulwark.Core.Tests.Index;

public class IndexFormattingTests
{
    [Fact]
    public void Upload_times_print_like_pythons_isoformat_with_z()
    {
        var t = new DateTimeOffset(2024, 1, 17, 16, 53, 12, TimeSpan.Zero);
        Assert.Equal("2024-01-17T16:53:12Z", IndexFormatting.IsoUtc(t));
        Assert.Equal("2024-01-17T16:53:12.779164Z", IndexFormatting.IsoUtc(t.AddTicks(7_791_640)));
        // Sub-microsecond ticks are dropped, not rounded.
        Assert.Equal("2024-01-17T16:53:12.000001Z", IndexFormatting.IsoUtc(t.AddTicks(19)));
        Assert.Equal("2024-01-17T16:53:12.779164Z", IndexFormatting.IsoUtc(new DateTimeOffset(2024, 1, 17, 18, 53, 12, TimeSpan.FromHours(2)).AddTicks(7_791_640)));
        Assert.Equal("2024-01-17T16:53:12", IndexFormatting.LegacyUtc(t.AddTicks(7_791_640)));
    }

    [Fact]
    public void File_paths_escape_only_the_filename()
    {
        Assert.Equal("files/ab/cd/ef01/pkg-1.0-py3-none-any.whl", IndexFormatting.FilePath("ab/cd/ef01/pkg-1.0-py3-none-any.whl"));
        Assert.Equal("files/ab/cd/ef01/pkg-1%211.0%2Bx.tar.gz", IndexFormatting.FilePath("ab/cd/ef01/pkg-1!1.0+x.tar.gz"));
    }

    [Fact]
    public void Versions_sort_by_pep440_with_unparsable_ones_first()
    {
        var sorted = IndexFormatting.SortByVersion(["1.10", "not a version", "1.9", "1.0rc1", "1!0.1", "1.0", "1.0.post1", "1.0.dev0"], v => v);
        Assert.Equal(["not a version", "1.0.dev0", "1.0rc1", "1.0", "1.0.post1", "1.9", "1.10", "1!0.1"], sorted);
    }
}
