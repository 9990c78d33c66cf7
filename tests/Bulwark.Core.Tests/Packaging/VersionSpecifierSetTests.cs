using Bulwark.Core.Packaging;

namespace Bulwark.Core.Tests.Packaging;

public class VersionSpecifierSetTests
{
    [Theory]
    [InlineData(">=3.8", ">=3.8", 1)]
    [InlineData(">=3.8,<4", ">=3.8,<4", 2)]
    [InlineData(" >= 3.8 , < 4 ", ">=3.8,<4", 2)]
    [InlineData("~=3.9", "~=3.9", 1)]
    [InlineData("==3.*", "==3.*", 1)]
    [InlineData("!=3.0.*", "!=3.0.*", 1)]
    [InlineData("===foo", "===foo", 1)]
    [InlineData("=== foo", "===foo", 1)]
    [InlineData(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, <4", ">=2.7,!=3.0.*,!=3.1.*,!=3.2.*,<4", 5)]
    [InlineData("==1.0+local", "==1.0+local", 1)]
    [InlineData("!=1.0+local", "!=1.0+local", 1)]
    [InlineData("~=1.4.5a4", "~=1.4.5a4", 1)]
    [InlineData("~=2.2.post3", "~=2.2.post3", 1)]
    [InlineData("~=1!2.3", "~=1!2.3", 1)]
    [InlineData("==1!1.*", "==1!1.*", 1)]
    [InlineData("==v1.0", "==v1.0", 1)]
    [InlineData("<3.10.dev0", "<3.10.dev0", 1)]
    [InlineData(">3", ">3", 1)]
    [InlineData("<=3.12", "<=3.12", 1)]
    [InlineData(">=3.8,", ">=3.8", 1)]
    [InlineData(",>=3.8", ">=3.8", 1)]
    [InlineData("", "", 0)]
    [InlineData("  ", "", 0)]
    [InlineData(",,", "", 0)]
    public void Parses_valid_specifier_sets(string text, string rendered, int count)
    {
        Assert.True(VersionSpecifierSet.TryParse(text, out var set, out var error));
        Assert.Null(error);
        Assert.Equal(count, set.Specifiers.Count);
        Assert.Equal(rendered, set.ToString());
    }

    [Theory]
    [InlineData(">=3.x", ">=3.x")]
    [InlineData("3.8", "3.8")]
    [InlineData("=>3.8", "=>3.8")]
    [InlineData("=3.8", "=3.8")]
    [InlineData("> =3.8", "> =3.8")]
    [InlineData(">=3.8.*", ">=3.8.*")]
    [InlineData("<3.*", "<3.*")]
    [InlineData("~=3", "~=3")]
    [InlineData("~=3.*", "~=3.*")]
    [InlineData("~=1.0+local", "~=1.0+local")]
    [InlineData(">=1.0+local", ">=1.0+local")]
    [InlineData("<1.0+local", "<1.0+local")]
    [InlineData("==1.0a1.*", "==1.0a1.*")]
    [InlineData("==1.0.post1.*", "==1.0.post1.*")]
    [InlineData("==1.0.dev1.*", "==1.0.dev1.*")]
    [InlineData("==1.0+abc.*", "==1.0+abc.*")]
    [InlineData("==1.0.*.*", "==1.0.*.*")]
    [InlineData("==.*", "==.*")]
    [InlineData("== 1.0 .*", "== 1.0 .*")]
    [InlineData(">=3.8 <4", ">=3.8 <4")]
    [InlineData(">=3.8;", ">=3.8;")]
    [InlineData(">=", ">=")]
    [InlineData("~=", "~=")]
    [InlineData("===", "===")]
    [InlineData("===foo bar", "===foo bar")]
    [InlineData("===foo;", "===foo;")]
    [InlineData("===a)", "===a)")]
    [InlineData(">=3.8,<4,>=x", ">=x")]
    [InlineData(">=3.8,,lolwat", "lolwat")]
    [InlineData(">=3.99999999999999999999999", ">=3.99999999999999999999999")]
    public void Refuses_invalid_sets_naming_the_first_bad_item(string text, string badItem)
    {
        Assert.False(VersionSpecifierSet.TryParse(text, out var set, out var error));
        Assert.Null(set);
        Assert.Equal($"Invalid specifier: '{badItem}'", error);
    }

    [Fact]
    public void Null_text_is_a_programming_error() =>
        Assert.Throws<ArgumentNullException>(() => VersionSpecifierSet.TryParse(null!, out _, out _));

    [Theory]
    [InlineData(">=3.8,<4", "3.12", true)]
    [InlineData(">=3.8,<4", "3.8.0", true)]
    [InlineData(">=3.8,<4", "3.7", false)]
    [InlineData(">=3.8,<4", "4.0", false)]
    [InlineData(">=3.8,<4", "4.0.0a1", false)]
    [InlineData(">=3.8,<4", "3.13.0rc1", true)]
    [InlineData(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*", "2.7.18", true)]
    [InlineData(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*", "3.1.4", false)]
    [InlineData(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*", "3.3", true)]
    [InlineData("~=3.9", "3.12", true)]
    [InlineData("~=3.9", "4.0", false)]
    [InlineData("", "1.0", true)]
    [InlineData("", "1.0a1", true)]
    public void A_set_contains_what_every_specifier_contains(string text, string version, bool expected)
    {
        Assert.True(VersionSpecifierSet.TryParse(text, out var set, out _));
        Assert.Equal(expected, set.Contains(Pep440Version.Parse(version)));
    }
}
