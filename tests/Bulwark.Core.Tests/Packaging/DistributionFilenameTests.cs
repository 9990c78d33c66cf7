using Bulwark.Core.Packaging;

namespace Bulwark.Core.Tests.Packaging;

public class DistributionFilenameTests
{
    private const string Pep527 = "See https://www.python.org/dev/peps/pep-0527 for more information.";

    [Theory]
    [InlineData("foo-1.0.tar.gz", "bdist_egg")]
    [InlineData("foo-1.0.tar.gz", "")]
    [InlineData("foo-1.0.tar.gz", "SDIST")]
    public void Refuses_unknown_filetypes(string filename, string filetype) =>
        AssertInvalid(filename, filetype, "Use a known file type.");

    [Theory]
    [InlineData("foo-1.0.tar.gz\0", "sdist")]
    [InlineData("foo\t-1.0.tar.gz", "sdist")]
    [InlineData("foo-1.0\n.tar.gz", "sdist")]
    [InlineData("foo-1.0.tar.gz\n", "sdist")]
    [InlineData("foo\x1f-1.0-py3-none-any.whl", "bdist_wheel")]
    [InlineData("foo\x7f-1.0-py3-none-any.whl", "bdist_wheel")]
    public void Refuses_control_characters(string filename, string filetype) =>
        AssertInvalid(filename, filetype,
            "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.");

    [Theory]
    [InlineData("../foo-1.0.tar.gz", "sdist")]
    [InlineData("dist/foo-1.0.tar.gz", "sdist")]
    [InlineData("dist\\foo-1.0-py3-none-any.whl", "bdist_wheel")]
    public void Refuses_path_separators(string filename, string filetype) =>
        AssertInvalid(filename, filetype, "Cannot upload a file with '/' or '\\' in the name.");

    [Theory]
    [InlineData("foo-1.0.tar.bz2", "sdist")]
    [InlineData("foo-1.0.tgz", "sdist")]
    [InlineData("foo-1.0.egg", "bdist_wheel")]
    [InlineData("foo-1.0.exe", "bdist_wheel")]
    [InlineData(".whl", "bdist_wheel")]
    [InlineData(".tar.gz", "sdist")]
    [InlineData("foo", "sdist")]
    [InlineData("", "sdist")]
    public void Refuses_unknown_extensions(string filename, string filetype) =>
        AssertInvalid(filename, filetype,
            "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 "
            + "and https://peps.python.org/pep-0715/ for more information");

    [Theory]
    [InlineData("foo-1.0.tar.gz", "bdist_wheel", ".tar.gz")]
    [InlineData("foo-1.0.zip", "bdist_wheel", ".zip")]
    [InlineData("foo-1.0-py3-none-any.whl", "sdist", ".whl")]
    [InlineData("foo-1.0.TAR.GZ", "sdist", ".TAR.GZ")]
    [InlineData("foo-1.0.Zip", "sdist", ".Zip")]
    [InlineData("foo-1.0-py3-none-any.WHL", "bdist_wheel", ".WHL")]
    public void Refuses_an_extension_that_does_not_fit_the_filetype(string filename, string filetype, string extension) =>
        AssertInvalid(filename, filetype, $"Invalid file extension: Extension {extension} is invalid for filetype {filetype}. {Pep527}");

    [Theory]
    [InlineData("foo-1.0.tar.gz", "foo", "1.0")]
    [InlineData("foo_bar-2.0.post1.tar.gz", "foo_bar", "2.0.post1")]
    [InlineData("foo-1!2.0rc1.tar.gz", "foo", "1!2.0rc1")]
    [InlineData("zope_interface-7.0.tar.gz", "zope_interface", "7.0")]
    [InlineData("a-0.tar.gz", "a", "0")]
    public void Accepts_PEP_625_sdists(string filename, string name, string version)
    {
        var result = DistributionFilename.Validate(filename, "sdist");
        Assert.True(result.IsValid, result.Error);
        var sdist = Assert.IsType<SdistFilename>(result.Filename);
        Assert.Equal(name, sdist.Name);
        Assert.Equal(version, sdist.Version);
        Assert.Equal(".tar.gz", sdist.Extension);
        Assert.Equal("sdist", sdist.Filetype);
    }

    [Theory]
    [InlineData("foo-1.0.zip", "foo-1.0.tar.gz")]
    [InlineData("Foo-1.0.tar.gz", "foo-1.0.tar.gz")]
    [InlineData("foo-bar-1.0.tar.gz", "foo_bar-1.0.tar.gz")]
    [InlineData("foo.bar-1.0.tar.gz", "foo_bar-1.0.tar.gz")]
    [InlineData("foo-v1.0.tar.gz", "foo-1.0.tar.gz")]
    [InlineData("foo-1.0_post1.tar.gz", "foo-1.0.post1.tar.gz")]
    [InlineData("foo-1.0-1.tar.gz", "foo_1_0-1.tar.gz")]
    [InlineData("foo-01.0.tar.gz", "foo-1.0.tar.gz")]
    public void Refuses_sdists_not_in_PEP_625_form(string filename, string expected) =>
        AssertInvalid(filename, "sdist", $"Filename '{filename}' is invalid, should be '{expected}'.");

    [Theory]
    [InlineData("foo.tar.gz")]
    [InlineData("foo-.tar.gz")]
    [InlineData("-1.0.tar.gz")]
    [InlineData("foo-bar.tar.gz")]
    [InlineData("foo-1.0.0-rc1.tar.gz")]
    [InlineData("_foo-1.0.tar.gz")]
    [InlineData("foo-1.0.zip.zip")]
    public void Refuses_sdists_without_a_name_and_version(string filename) =>
        AssertInvalid(filename, "sdist", $"Invalid source distribution filename: {filename}");

    [Theory]
    [InlineData("foo-1.0-py3-none-any.whl")]
    [InlineData("foo_bar-2.0.1-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")]
    [InlineData("numpy-2.1.0-cp313-cp313t-musllinux_1_2_aarch64.whl")]
    [InlineData("pkg-1.0-py2.py3-none-any.whl")]
    [InlineData("pkg-1.0-cp39-abi3-macosx_10_9_universal2.whl")]
    [InlineData("pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl")]
    [InlineData("pkg-1.0-cp312-cp312-win_amd64.whl")]
    [InlineData("pkg-1.0-cp313-cp313-ios_13_0_arm64_iphoneos.whl")]
    [InlineData("pkg-1.0-cp313-cp313-android_21_arm64_v8a.whl")]
    [InlineData("pkg-1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl")]
    [InlineData("pkg-1.0-cp312-cp312-MANYLINUX_2_17_X86_64.whl")]
    public void Accepts_wheels_for_supported_platforms(string filename)
    {
        var result = DistributionFilename.Validate(filename, "bdist_wheel");
        Assert.True(result.IsValid, result.Error);
        Assert.IsType<WheelFilename>(result.Filename);
        Assert.Null(result.Error);
    }

    [Theory]
    [InlineData("foo-1.0-cp312-cp312-linux_x86_64.whl", "linux_x86_64")]
    [InlineData("foo-1.0-py3-none-manylinux2014_x86_64.linux_x86_64.whl", "linux_x86_64")]
    [InlineData("foo-1.0-py3-none-macosx_11_1_arm64.whl", "macosx_11_1_arm64")]
    [InlineData("foo-1.0-py3-none-LINUX_X86_64.whl", "linux_x86_64")]
    [InlineData("Foo.Bar-1.0-py3-none-emscripten_3_1_58_wasm32.whl", "emscripten_3_1_58_wasm32")]
    public void Refuses_unsupported_platform_tags(string filename, string tag) =>
        AssertInvalid(filename, "bdist_wheel", $"Binary wheel '{filename}' has an unsupported platform tag '{tag}'.");

    [Theory]
    [InlineData("foo.bar-1.0-py3-none-any.whl", "foo_bar", "foo.bar")]
    [InlineData("Foo-1.0-py3-none-any.whl", "foo", "Foo")]
    [InlineData("Foo_Bar-1.0-py3-none-any.whl", "foo_bar", "Foo_Bar")]
    public void Refuses_wheels_whose_name_is_not_escaped(string filename, string normalized, string written) =>
        AssertInvalid(filename, "bdist_wheel",
            $"Filename '{filename}' should contain the normalized project name '{normalized}', not '{written}'.");

    [Fact]
    public void Passes_on_the_wheel_parser_message()
    {
        AssertInvalid("foo-1.0-py3-none.whl", "bdist_wheel", "Invalid wheel filename (wrong number of parts): 'foo-1.0-py3-none'");
        AssertInvalid("foo-x-py3-none-any.whl", "bdist_wheel", "Invalid wheel filename (invalid version): 'foo-x-py3-none-any'");
    }

    [Theory]
    [InlineData("foo_bar-1.0.tar.gz", "Foo.Bar", "1.0")]
    [InlineData("foo_bar-1.0.0.tar.gz", "foo-bar", "1.0.0")]
    [InlineData("foo-1.0.post1.tar.gz", "foo", "1.0-1")]
    [InlineData("foo_bar-1.0-py3-none-any.whl", "Foo.Bar", "1.0")]
    [InlineData("foo_bar-1.0.0-py3-none-any.whl", "Foo.Bar", "1.0")]
    [InlineData("foo-1.0rc1-py3-none-any.whl", "FOO", "1.0c1")]
    public void Accepts_files_that_match_the_upload(string filename, string project, string version)
    {
        var filetype = filename.EndsWith(".whl", StringComparison.Ordinal) ? "bdist_wheel" : "sdist";
        var result = DistributionFilename.Validate(filename, filetype, project, Pep440Version.Parse(version));
        Assert.True(result.IsValid, result.Error);
    }

    [Theory]
    [InlineData("bar-1.0.tar.gz", "foo", "1.0", "Start filename for 'foo' with 'foo'.")]
    [InlineData("foo-1.0.tar.gz", "Foo.Bar", "1.0", "Start filename for 'Foo.Bar' with 'foo_bar'.")]
    [InlineData("foo_bar-1.0.tar.gz", "foo-bar", "1.0.0", "Filename 'foo_bar-1.0.tar.gz' is invalid, should be 'foo_bar-1.0.0.tar.gz'.")]
    [InlineData("foo-bar-1.0.tar.gz", "Foo-Bar", "1.0", "Filename 'foo-bar-1.0.tar.gz' is invalid, should be 'foo_bar-1.0.tar.gz'.")]
    [InlineData("foo-2.0.tar.gz", "foo", "1.0", "Filename 'foo-2.0.tar.gz' is invalid, should be 'foo-1.0.tar.gz'.")]
    [InlineData("foo-1.0.zip", "foo", "1.0", "Filename 'foo-1.0.zip' is invalid, should be 'foo-1.0.tar.gz'.")]
    [InlineData("foo-1.0-1.tar.gz", "foo", "1.0.post1", "Filename 'foo-1.0-1.tar.gz' is invalid, should be 'foo-1.0.post1.tar.gz'.")]
    [InlineData("foo-1.0-1.tar.gz", "foo", "1.0", "Start filename for 'foo' with 'foo'.")]
    public void Refuses_sdists_that_do_not_match_the_upload(string filename, string project, string version, string expected) =>
        AssertInvalid(DistributionFilename.Validate(filename, "sdist", project, Pep440Version.Parse(version)), expected);

    [Theory]
    [InlineData("bar-1.0-py3-none-any.whl", "foo", "1.0", "Start filename for 'foo' with 'foo'.")]
    [InlineData("Foo_Bar-1.0-py3-none-any.whl", "foo-bar", "1.0",
        "Filename 'Foo_Bar-1.0-py3-none-any.whl' should contain the normalized project name 'foo_bar', not 'Foo_Bar'.")]
    [InlineData("foo-2.0-py3-none-any.whl", "foo", "1.0", "Version in filename should be '1.0' not '2.0'.")]
    [InlineData("foo-2.0_RC1-py3-none-any.whl", "foo", "1.0", "Version in filename should be '1.0' not '2.0rc1'.")]
    [InlineData("foo-1.0-py3-none-linux_x86_64.whl", "bar", "2.0",
        "Binary wheel 'foo-1.0-py3-none-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'.")]
    public void Refuses_wheels_that_do_not_match_the_upload(string filename, string project, string version, string expected) =>
        AssertInvalid(DistributionFilename.Validate(filename, "bdist_wheel", project, Pep440Version.Parse(version)), expected);

    [Theory]
    [InlineData("foo-1.0.tar.gz\0", "sdist", "foo", "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.")]
    [InlineData("foo-1.0.whl", "sdist", "foo", "Invalid file extension: Extension .whl is invalid for filetype sdist. " + Pep527)]
    public void The_upload_overload_makes_the_basic_checks_first(string filename, string filetype, string project, string expected) =>
        AssertInvalid(DistributionFilename.Validate(filename, filetype, project, Pep440Version.Parse("1.0")), expected);

    [Theory]
    [InlineData("foo-1.0.tar.gz", "sdist")]
    [InlineData("Foo-1.0.zip", "sdist")]
    [InlineData("foo-1.0-py3-none-linux_x86_64.whl", "bdist_wheel")]
    public void CheckUploadFilename_passes_names_with_a_fitting_extension(string filename, string filetype) =>
        Assert.Null(DistributionFilename.CheckUploadFilename(filename, filetype));

    [Theory]
    [InlineData("foo_bar", "Foo.Bar", true)]
    [InlineData("FOO-BAR", "foo__bar", true)]
    [InlineData("foo", "foo", true)]
    [InlineData("foo", "foobar", false)]
    [InlineData("foo_bar", "foobar", false)]
    public void NameMatches_compares_normalized_names(string namePart, string project, bool expected) =>
        Assert.Equal(expected, DistributionFilename.NameMatches(namePart, project));

    [Theory]
    [InlineData("1.0", "1.0", true)]
    [InlineData("1.0.0", "1.0", true)]
    [InlineData("1.0_rc1", "1.0rc1", true)]
    [InlineData("1.0", "1.0.post0", false)]
    [InlineData("1.1", "1.0", false)]
    [InlineData("latest", "1.0", false)]
    public void VersionMatches_compares_PEP_440_versions(string versionPart, string version, bool expected) =>
        Assert.Equal(expected, DistributionFilename.VersionMatches(versionPart, Pep440Version.Parse(version)));

    [Fact]
    public void A_filename_is_at_most_246_characters_so_it_and_its_metadata_file_fit_a_file_system_name()
    {
        var longest = "a-" + new string('1', 246 - "a-.tar.gz".Length) + ".tar.gz";
        Assert.Equal(246, longest.Length);
        Assert.Null(DistributionFilename.CheckUploadFilename(longest, "sdist"));

        var wheel = "a-1.0-py3-none-" + string.Join('.', Enumerable.Repeat("win32", 60)) + ".whl";
        Assert.Equal($"Filename '{wheel[..100]}'... is too long: {wheel.Length} characters, at most 246.",
            DistributionFilename.CheckUploadFilename(wheel, "bdist_wheel"));
        Assert.StartsWith("Filename ", DistributionFilename.CheckUploadFilename("a-" + new string('1', 300) + ".tar.gz", "sdist"));
    }

    private static void AssertInvalid(string filename, string filetype, string expected) =>
        AssertInvalid(DistributionFilename.Validate(filename, filetype), expected);

    private static void AssertInvalid(DistributionFilenameResult result, string expected)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Filename);
        Assert.Equal(expected, result.Error);
    }
}
