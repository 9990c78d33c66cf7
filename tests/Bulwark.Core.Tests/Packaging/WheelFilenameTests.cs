using Bulwark.Core.Packaging;

namespace Bulwark.Core.Tests.Packaging;

public class WheelFilenameTests
{
    [Fact]
    public void Parses_a_plain_wheel_filename()
    {
        Assert.True(WheelFilename.TryParse("foo-1.0-py3-none-any.whl", out var wheel, out var error));
        Assert.Null(error);
        Assert.Equal("foo-1.0-py3-none-any.whl", wheel.Filename);
        Assert.Equal("foo", wheel.Name);
        Assert.Equal("1.0", wheel.Version);
        Assert.Equal(Pep440Version.Parse("1.0"), wheel.ParsedVersion);
        Assert.Null(wheel.Build);
        Assert.Equal(["py3"], wheel.PythonTags);
        Assert.Equal(["none"], wheel.AbiTags);
        Assert.Equal(["any"], wheel.PlatformTags);
        Assert.Equal("bdist_wheel", wheel.Filetype);
    }

    [Fact]
    public void Parses_a_build_tag_and_compressed_tag_sets()
    {
        const string filename = "foo_bar-2.0.1-1b-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
        Assert.True(WheelFilename.TryParse(filename, out var wheel, out _));
        Assert.Equal("foo_bar", wheel.Name);
        Assert.Equal("foo-bar", wheel.NormalizedName);
        Assert.Equal("2.0.1", wheel.Version);
        Assert.Equal("1b", wheel.Build);
        Assert.Equal(["cp312"], wheel.PythonTags);
        Assert.Equal(["cp312"], wheel.AbiTags);
        Assert.Equal(["manylinux_2_17_x86_64", "manylinux2014_x86_64"], wheel.PlatformTags);
    }

    [Fact]
    public void Tags_are_read_lower_cased()
    {
        Assert.True(WheelFilename.TryParse("pkg-1.0-PY2.py3-NONE-WIN_AMD64.whl", out var wheel, out _));
        Assert.Equal(["py2", "py3"], wheel.PythonTags);
        Assert.Equal(["none"], wheel.AbiTags);
        Assert.Equal(["win_amd64"], wheel.PlatformTags);
    }

    [Theory]
    [InlineData("pkg-1.0-py2.py3.py2-none-any.whl", "Invalid wheel filename (compatibility tag 'py2' is repeated): 'pkg-1.0-py2.py3.py2-none-any'")]
    [InlineData("pkg-1.0-PY3.py3-none-any.whl", "Invalid wheel filename (compatibility tag 'PY3' is repeated): 'pkg-1.0-PY3.py3-none-any'")]
    [InlineData("pkg-1.0-py3-none-any.any.whl", "Invalid wheel filename (compatibility tag 'any' is repeated): 'pkg-1.0-py3-none-any.any'")]
    [InlineData("pkg-1.0-py 3-none-any.whl", "Invalid wheel filename (compatibility tag 'py 3' may only hold ASCII letters, digits and '_'): 'pkg-1.0-py 3-none-any'")]
    [InlineData("pkg-1.0-py3-n%6Fne-any.whl", "Invalid wheel filename (compatibility tag 'n%6Fne' may only hold ASCII letters, digits and '_'): 'pkg-1.0-py3-n%6Fne-any'")]
    [InlineData("pkg-1.0-pу3-none-any.whl", "Invalid wheel filename (compatibility tag 'pу3' may only hold ASCII letters, digits and '_'): 'pkg-1.0-pу3-none-any'")]
    [InlineData("pkg-1.0-1'x-py3-none-any.whl", "Invalid build number: 1'x in \"pkg-1.0-1'x-py3-none-any\"")]
    public void Tags_are_escaped_components_listed_once(string filename, string expected)
    {
        Assert.False(WheelFilename.TryParse(filename, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Keeps_the_version_as_written()
    {
        Assert.True(WheelFilename.TryParse("pkg-1.0_RC1-py3-none-any.whl", out var wheel, out _));
        Assert.Equal("1.0_RC1", wheel.Version);
        Assert.Equal("1.0rc1", wheel.ParsedVersion.Normalized);
    }

    [Theory]
    [InlineData("foo-1.0.tar.gz", "Invalid wheel filename (extension must be '.whl'): 'foo-1.0.tar.gz'")]
    [InlineData("foo-1.0-py3-none-any.WHL", "Invalid wheel filename (extension must be '.whl'): 'foo-1.0-py3-none-any.WHL'")]
    [InlineData("foo-1.0-py3-none.whl", "Invalid wheel filename (wrong number of parts): 'foo-1.0-py3-none'")]
    [InlineData("foo-1.0-1-2-py3-none-any.whl", "Invalid wheel filename (wrong number of parts): 'foo-1.0-1-2-py3-none-any'")]
    [InlineData("foo.whl", "Invalid wheel filename (wrong number of parts): 'foo'")]
    [InlineData("foo__bar-1.0-py3-none-any.whl", "Invalid project name: 'foo__bar-1.0-py3-none-any'")]
    [InlineData("_foo-1.0-py3-none-any.whl", "Invalid project name: '_foo-1.0-py3-none-any'")]
    [InlineData("-1.0-py3-none-any.whl", "Invalid project name: '-1.0-py3-none-any'")]
    [InlineData("f o o-1.0-py3-none-any.whl", "Invalid project name: 'f o o-1.0-py3-none-any'")]
    [InlineData("foo-1.0.x-py3-none-any.whl", "Invalid wheel filename (invalid version): 'foo-1.0.x-py3-none-any'")]
    [InlineData("foo-latest-py3-none-any.whl", "Invalid wheel filename (invalid version): 'foo-latest-py3-none-any'")]
    [InlineData("foo-1.0-abc-py3-none-any.whl", "Invalid build number: abc in 'foo-1.0-abc-py3-none-any'")]
    [InlineData("foo-1.0--py3-none-any.whl", "Invalid build number:  in 'foo-1.0--py3-none-any'")]
    [InlineData("foo-1.0-py3--any.whl", "Invalid wheel filename (empty compatibility tag): 'foo-1.0-py3--any'")]
    [InlineData("foo-1.0-py3.-none-any.whl", "Invalid wheel filename (empty compatibility tag): 'foo-1.0-py3.-none-any'")]
    [InlineData("foo-1.0-py3-none-.whl", "Invalid wheel filename (empty compatibility tag): 'foo-1.0-py3-none-'")]
    public void Refuses_malformed_names_with_the_reference_messages(string filename, string expected)
    {
        Assert.False(WheelFilename.TryParse(filename, out var wheel, out var error));
        Assert.Null(wheel);
        Assert.Equal(expected, error);
    }
}
