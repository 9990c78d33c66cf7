using Bulwark.Core.Packaging;

namespace Bulwark.Core.Tests.Packaging;

public class Pep440VersionParsingTests
{
    [Theory]
    // Release segments and integer normalization.
    [InlineData("1", "1")]
    [InlineData("1.0", "1.0")]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("01.02.003", "1.2.3")]
    [InlineData("2024.10.01", "2024.10.1")]
    [InlineData("1.0000000000000000000000001", "1.1")]
    // Leading v and surrounding white space.
    [InlineData("v1.0", "1.0")]
    [InlineData("V1.0", "1.0")]
    [InlineData("  1.0\n", "1.0")]
    [InlineData("\t1.0rc1 \r\n", "1.0rc1")]
    // Epochs.
    [InlineData("1!2.0", "1!2.0")]
    [InlineData("0!1.0", "1.0")]
    [InlineData("01!1.0", "1!1.0")]
    // Pre-release spellings, separators and implicit numbers.
    [InlineData("1.0a1", "1.0a1")]
    [InlineData("1.0alpha1", "1.0a1")]
    [InlineData("1.0b2", "1.0b2")]
    [InlineData("1.0beta2", "1.0b2")]
    [InlineData("1.0c1", "1.0rc1")]
    [InlineData("1.0pre1", "1.0rc1")]
    [InlineData("1.0preview1", "1.0rc1")]
    [InlineData("1.0RC1", "1.0rc1")]
    [InlineData("1.0ALPHA1", "1.0a1")]
    [InlineData("1.0-a1", "1.0a1")]
    [InlineData("1.0_a1", "1.0a1")]
    [InlineData("1.0.a1", "1.0a1")]
    [InlineData("1.0a-1", "1.0a1")]
    [InlineData("1.0a_1", "1.0a1")]
    [InlineData("1.0a.1", "1.0a1")]
    [InlineData("1.0a01", "1.0a1")]
    [InlineData("1.0a", "1.0a0")]
    [InlineData("1.0a.", "1.0a0")]
    [InlineData("1.0rc", "1.0rc0")]
    // Post-release spellings, separators, implicit numbers and the implicit form.
    [InlineData("1.1.post1", "1.1.post1")]
    [InlineData("1.1post1", "1.1.post1")]
    [InlineData("1.1-post1", "1.1.post1")]
    [InlineData("1.1_post1", "1.1.post1")]
    [InlineData("1.1.post-1", "1.1.post1")]
    [InlineData("1.1.post_1", "1.1.post1")]
    [InlineData("1.1.post.1", "1.1.post1")]
    [InlineData("1.1.rev1", "1.1.post1")]
    [InlineData("1.1r1", "1.1.post1")]
    [InlineData("1.1.POST1", "1.1.post1")]
    [InlineData("1.1.post", "1.1.post0")]
    [InlineData("1.1-r", "1.1.post0")]
    [InlineData("1.1-1", "1.1.post1")]
    [InlineData("1.1-01", "1.1.post1")]
    [InlineData("1.0a1-1", "1.0a1.post1")]
    // Development releases.
    [InlineData("1.0.dev1", "1.0.dev1")]
    [InlineData("1.0dev1", "1.0.dev1")]
    [InlineData("1.0-dev1", "1.0.dev1")]
    [InlineData("1.0_dev1", "1.0.dev1")]
    [InlineData("1.0.dev-1", "1.0.dev1")]
    [InlineData("1.0.DEV1", "1.0.dev1")]
    [InlineData("1.0.dev", "1.0.dev0")]
    [InlineData("1.0-dev", "1.0.dev0")]
    // Combinations.
    [InlineData("1.0a1.dev2", "1.0a1.dev2")]
    [InlineData("1.0.post1.dev3", "1.0.post1.dev3")]
    [InlineData("1.0rc1.post2.dev3", "1.0rc1.post2.dev3")]
    [InlineData("1!2.0.post1.dev3+ubuntu.1", "1!2.0.post1.dev3+ubuntu.1")]
    [InlineData("v1!2.0-Preview-3_Rev-4.Dev-5+Abc-01_x", "1!2.0rc3.post4.dev5+abc.1.x")]
    // Local versions.
    [InlineData("1.0+abc", "1.0+abc")]
    [InlineData("1.0+ubuntu-1", "1.0+ubuntu.1")]
    [InlineData("1.0+Ubuntu_1", "1.0+ubuntu.1")]
    [InlineData("1.0+abc.5", "1.0+abc.5")]
    [InlineData("1.0+01", "1.0+1")]
    [InlineData("1.0+1a.b2", "1.0+1a.b2")]
    public void Parses_and_normalizes_every_PEP_440_spelling(string text, string normalized)
    {
        Assert.True(Pep440Version.TryParse(text, out var version));
        Assert.Equal(normalized, version.Normalized);
        Assert.Equal(normalized, version.ToString());
        Assert.Equal(normalized, Pep440Version.Parse(text).Normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("v")]
    [InlineData("vv1.0")]
    [InlineData("french toast")]
    [InlineData("1.0.")]
    [InlineData(".1")]
    [InlineData("1..0")]
    [InlineData("1.0-")]
    [InlineData("1.0_")]
    [InlineData("1.0 1")]
    [InlineData("1.0.x")]
    [InlineData("1.0.*")]
    [InlineData("1!")]
    [InlineData("!1.0")]
    [InlineData("1!!2")]
    [InlineData("1!2!3")]
    [InlineData("1.0a1b1")]
    [InlineData("1.0a1a1")]
    [InlineData("1.0.post1.post2")]
    [InlineData("1.0.dev1.dev2")]
    [InlineData("1.0.dev1a1")]
    [InlineData("1.0.post1a1")]
    [InlineData("1.0.dev1.post1")]
    [InlineData("1.0+")]
    [InlineData("1.0+abc.")]
    [InlineData("1.0+.abc")]
    [InlineData("1.0+abc..1")]
    [InlineData("1.0++1")]
    [InlineData("1.0+ab c")]
    [InlineData("1.0+_abc")]
    [InlineData("1.0+abc+def")]
    [InlineData("1.0+ké")]
    [InlineData("1.0é")]
    [InlineData("１.0")]
    [InlineData("١.0")]
    [InlineData("1.0\u0131")]
    [InlineData("1.0rc1-")]
    [InlineData("2.0.0-rc1-")]
    [InlineData("1.0-+abc")]
    [InlineData("-1.0")]
    [InlineData("1.0\0")]
    public void Refuses_text_PEP_440_does_not_allow(string text)
    {
        Assert.False(Pep440Version.TryParse(text, out var version));
        Assert.Null(version);
        var error = Assert.Throws<FormatException>(() => Pep440Version.Parse(text));
        Assert.StartsWith("Invalid version: ", error.Message);
    }

    [Fact]
    public void TryParse_refuses_null() => Assert.False(Pep440Version.TryParse(null, out _));

    [Fact]
    public void Parse_names_the_refused_text_as_Python_would()
    {
        var error = Assert.Throws<FormatException>(() => Pep440Version.Parse("lolwat"));
        Assert.Equal("Invalid version: 'lolwat'", error.Message);
    }

    [Theory]
    [InlineData("1.9223372036854775807", true)]
    [InlineData("1.9223372036854775808", false)]
    [InlineData("99999999999999999999999", false)]
    [InlineData("99999999999999999999999!1.0", false)]
    [InlineData("1.0a99999999999999999999999", false)]
    [InlineData("1.0.post99999999999999999999999", false)]
    [InlineData("1.0-99999999999999999999999", false)]
    [InlineData("1.0.dev99999999999999999999999", false)]
    [InlineData("1.0+99999999999999999999999", false)]
    [InlineData("1.0+abc99999999999999999999999", true)]
    public void Numbers_beyond_a_long_are_refused_cleanly(string text, bool valid)
    {
        Assert.Equal(valid, Pep440Version.TryParse(text, out _));
        if (!valid)
        {
            var error = Assert.Throws<FormatException>(() => Pep440Version.Parse(text));
            Assert.Contains("larger than 9223372036854775807", error.Message);
        }
    }

    [Fact]
    public void Overlong_text_is_refused()
    {
        var longest = "1." + new string('0', Pep440Version.MaxLength - 2);
        Assert.True(Pep440Version.TryParse(longest, out _));
        Assert.False(Pep440Version.TryParse(longest + "0", out _));
        var error = Assert.Throws<FormatException>(() => Pep440Version.Parse(longest + "0"));
        Assert.Contains("longer than 512 characters", error.Message);
    }

    [Fact]
    public void Exposes_every_segment()
    {
        var version = Pep440Version.Parse("2!1.02.3rc4.post5.dev6+Local-7");
        Assert.Equal(2, version.Epoch);
        Assert.Equal([1L, 2L, 3L], version.Release);
        Assert.Equal(new PreRelease("rc", 4), version.Pre);
        Assert.Equal(5, version.Post);
        Assert.Equal(6, version.Dev);
        Assert.Equal("local.7", version.Local);
        Assert.True(version.IsPrerelease);
        Assert.True(version.IsPostRelease);
        Assert.True(version.IsDevRelease);
        Assert.True(version.HasLocal);
        Assert.Equal("2!1.2.3rc4.post5.dev6", version.Public);
        Assert.Equal("2!1.2.3", version.BaseVersion);
    }

    [Fact]
    public void A_final_release_has_no_optional_segments()
    {
        var version = Pep440Version.Parse("3.12.0");
        Assert.Equal(0, version.Epoch);
        Assert.Equal([3L, 12L, 0L], version.Release);
        Assert.Null(version.Pre);
        Assert.Null(version.Post);
        Assert.Null(version.Dev);
        Assert.Null(version.Local);
        Assert.False(version.IsPrerelease);
        Assert.False(version.IsPostRelease);
        Assert.False(version.IsDevRelease);
        Assert.False(version.HasLocal);
        Assert.Equal("3.12.0", version.Public);
        Assert.Equal("3.12.0", version.BaseVersion);
    }

    [Theory]
    [InlineData("1.0", false, false, false)]
    [InlineData("1.0a1", true, false, false)]
    [InlineData("1.0rc1", true, false, false)]
    [InlineData("1.0.dev1", true, false, true)]
    [InlineData("1.0.post1", false, true, false)]
    [InlineData("1.0.post1.dev1", true, true, true)]
    [InlineData("1.0-1", false, true, false)]
    [InlineData("1.0+dev", false, false, false)]
    public void Classifies_releases(string text, bool prerelease, bool postRelease, bool devRelease)
    {
        var version = Pep440Version.Parse(text);
        Assert.Equal(prerelease, version.IsPrerelease);
        Assert.Equal(postRelease, version.IsPostRelease);
        Assert.Equal(devRelease, version.IsDevRelease);
    }

    [Theory]
    [InlineData("1.0.0", "1")]
    [InlineData("1.0", "1")]
    [InlineData("1", "1")]
    [InlineData("0.0", "0")]
    [InlineData("1.0.1", "1.0.1")]
    [InlineData("1.4.0.0.0", "1.4")]
    [InlineData("1.0.0rc1", "1rc1")]
    [InlineData("1.0.0.dev0", "1.dev0")]
    [InlineData("2.0.0.post1", "2.post1")]
    [InlineData("1!2.0.0.post1+Local", "1!2.post1+local")]
    [InlineData("v1.10.0", "1.10")]
    [InlineData("1.0.10", "1.0.10")]
    public void CanonicalForm_strips_trailing_release_zeros(string text, string canonical) =>
        Assert.Equal(canonical, Pep440Version.Parse(text).CanonicalForm);
}
