using Bulwark.Core.Packaging;

namespace Bulwark.Core.Tests.Packaging;

public class ProjectNameTests
{
    [Theory]
    [InlineData("friendly-bard")]
    [InlineData("Friendly-Bard")]
    [InlineData("FRIENDLY-BARD")]
    [InlineData("friendly.bard")]
    [InlineData("friendly_bard")]
    [InlineData("friendly--bard")]
    [InlineData("FrIeNdLy-._.-bArD")]
    public void Normalize_follows_the_PEP_503_examples(string name) =>
        Assert.Equal("friendly-bard", ProjectName.Normalize(name));

    [Theory]
    [InlineData("a")]
    [InlineData("Z")]
    [InlineData("7")]
    [InlineData("requests")]
    [InlineData("zope.interface")]
    [InlineData("Flask-SQLAlchemy")]
    [InlineData("typing_extensions")]
    [InlineData("a-b")]
    [InlineData("a..b")]
    [InlineData("0x0")]
    public void IsValid_accepts_names_of_the_core_metadata_rule(string name) =>
        Assert.True(ProjectName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("-foo")]
    [InlineData("foo-")]
    [InlineData(".foo")]
    [InlineData("foo_")]
    [InlineData("foo bar")]
    [InlineData("foo/bar")]
    [InlineData("foo+bar")]
    [InlineData("foo\n")]
    [InlineData("foo\r\n")]
    [InlineData("\nfoo")]
    [InlineData("café")]
    [InlineData("\u212Aelvin")]
    [InlineData("ſpam")]
    [InlineData("foo\0")]
    public void IsValid_refuses_other_names(string name) => Assert.False(ProjectName.IsValid(name));

    [Fact]
    public void IsValid_refuses_null() => Assert.False(ProjectName.IsValid(null));

    [Fact]
    public void IsValid_enforces_the_maximum_length()
    {
        Assert.True(ProjectName.IsValid(new string('a', ProjectName.MaxLength)));
        Assert.False(ProjectName.IsValid(new string('a', ProjectName.MaxLength + 1)));
    }

    [Theory]
    [InlineData("requests", "requests")]
    [InlineData("Pillow", "p1110w")]
    [InlineData("foo-bar", "f00bar")]
    [InlineData("foo_bar", "f00bar")]
    [InlineData("Foo.Bar", "f00bar")]
    [InlineData("LOL", "101")]
    [InlineData("i-l-o", "110")]
    [InlineData("django", "djang0")]
    [InlineData("numpy", "numpy")]
    public void Ultranormalize_strips_separators_and_folds_look_alikes(string name, string expected) =>
        Assert.Equal(expected, ProjectName.Ultranormalize(name));

    [Theory]
    [InlineData("Pillow", "pi1low")]
    [InlineData("Pillow", "PlLLOW")]
    [InlineData("foo-bar", "f0obar")]
    [InlineData("requests", "request.s")]
    public void Ultranormalize_makes_look_alike_names_collide(string left, string right) =>
        Assert.Equal(ProjectName.Ultranormalize(left), ProjectName.Ultranormalize(right));

    [Theory]
    [InlineData("requests", "request")]
    [InlineData("pillow", "pillows")]
    public void Ultranormalize_keeps_different_names_apart(string left, string right) =>
        Assert.NotEqual(ProjectName.Ultranormalize(left), ProjectName.Ultranormalize(right));

    [Theory]
    [InlineData("foo", "foo")]
    [InlineData("Foo.Bar", "foo_bar")]
    [InlineData("foo-bar", "foo_bar")]
    [InlineData("foo__bar", "foo_bar")]
    [InlineData("FrIeNdLy-._.-bArD", "friendly_bard")]
    [InlineData("zope.interface", "zope_interface")]
    public void ToWheelPrefix_escapes_the_normalized_name(string name, string expected) =>
        Assert.Equal(expected, ProjectName.ToWheelPrefix(name));
}
