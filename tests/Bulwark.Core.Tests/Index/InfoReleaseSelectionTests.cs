using Bulwark.Core.Index;

namespace Bulwark.Core.Tests.Index;

public class InfoReleaseSelectionTests
{
    private static JsonRelease R(string version, bool pre = false, bool yanked = false) =>
        new(version.GetHashCode(), version, version, pre, yanked, null, null, []);

    [Fact]
    public void Prefers_live_then_final_then_highest()
    {
        Assert.Equal("2.0", ProjectJsonQueries.SelectInfoRelease([R("1.0"), R("2.0"), R("3.0b1", pre: true)])!.Version);
        Assert.Equal("1.0", ProjectJsonQueries.SelectInfoRelease([R("1.0"), R("2.0", yanked: true)])!.Version);
        Assert.Equal("2.0a1", ProjectJsonQueries.SelectInfoRelease([R("1.0", yanked: true), R("2.0a1", pre: true)])!.Version);
        Assert.Equal("2.0", ProjectJsonQueries.SelectInfoRelease([R("1.0", yanked: true), R("2.0", yanked: true)])!.Version);
        Assert.Null(ProjectJsonQueries.SelectInfoRelease([]));
    }
}
