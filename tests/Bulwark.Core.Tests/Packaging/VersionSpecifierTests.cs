using Bulwark.Core.Packaging;

namespace Bulwark.Core.Tests.Packaging;

public class VersionSpecifierTests
{
    [Theory]
    // Compatible release: >= V and the same prefix (all but the last release component).
    [InlineData("~=2.2", "2.2", true)]
    [InlineData("~=2.2", "2.3", true)]
    [InlineData("~=2.2", "2.9a1", true)]
    [InlineData("~=2.2", "2.1", false)]
    [InlineData("~=2.2", "3.0.dev0", false)]
    [InlineData("~=2.2", "3.0", false)]
    [InlineData("~=1.4.5", "1.4.5", true)]
    [InlineData("~=1.4.5", "1.4.9", true)]
    [InlineData("~=1.4.5", "1.4.4", false)]
    [InlineData("~=1.4.5", "1.5.0", false)]
    [InlineData("~=2.2.post3", "2.2.post3", true)]
    [InlineData("~=2.2.post3", "2.2", false)]
    [InlineData("~=2.2.post3", "2.9", true)]
    [InlineData("~=2.2.post3", "3.0", false)]
    [InlineData("~=1.4.5a4", "1.4.5a4", true)]
    [InlineData("~=1.4.5a4", "1.4.5", true)]
    [InlineData("~=1.4.5a4", "1.4.5a3", false)]
    [InlineData("~=1.4.5a4", "1.5", false)]
    [InlineData("~=1!2.3", "1!2.9", true)]
    [InlineData("~=1!2.3", "2.9", false)]
    // Version matching: zero padding, local labels ignored unless the specifier has one.
    [InlineData("==1.1", "1.1", true)]
    [InlineData("==1.1", "1.1.0", true)]
    [InlineData("==1.1", "1.1+local", true)]
    [InlineData("==1.1", "1.1.post1", false)]
    [InlineData("==1.1", "1.1a1", false)]
    [InlineData("==1.1", "1.1.dev0", false)]
    [InlineData("==1.1.post1", "1.1.post1", true)]
    [InlineData("==1.1+local", "1.1+local", true)]
    [InlineData("==1.1+local", "1.1.0+LOCAL", true)]
    [InlineData("==1.1+local", "1.1", false)]
    [InlineData("==1.1+local", "1.1+other", false)]
    // Prefix matching.
    [InlineData("==1.1.*", "1.1", true)]
    [InlineData("==1.1.*", "1.1.0", true)]
    [InlineData("==1.1.*", "1.1.5", true)]
    [InlineData("==1.1.*", "1.1a1", true)]
    [InlineData("==1.1.*", "1.1.dev0", true)]
    [InlineData("==1.1.*", "1.1.post1", true)]
    [InlineData("==1.1.*", "1.1.9+local", true)]
    [InlineData("==1.1.*", "1.10", false)]
    [InlineData("==1.1.*", "1.2", false)]
    [InlineData("==1.1.*", "1.2.dev0", false)]
    [InlineData("==1.1.*", "1.0.9", false)]
    [InlineData("==1.1.*", "1!1.1", false)]
    [InlineData("==1.0.*", "1", true)]
    [InlineData("==1.*", "1.0", true)]
    [InlineData("==3.*", "3.12.1", true)]
    [InlineData("==3.*", "4.0", false)]
    // Exclusion.
    [InlineData("!=1.1", "1.1", false)]
    [InlineData("!=1.1", "1.1+local", false)]
    [InlineData("!=1.1", "1.1.post1", true)]
    [InlineData("!=1.1", "1.2", true)]
    [InlineData("!=1.1+local", "1.1", true)]
    [InlineData("!=1.1+local", "1.1+local", false)]
    [InlineData("!=3.0.*", "3.0.1", false)]
    [InlineData("!=3.0.*", "3.0rc1", false)]
    [InlineData("!=3.0.*", "3.1", true)]
    [InlineData("!=3.0.*", "2.7", true)]
    // Inclusive ordered comparison.
    [InlineData("<=2.0", "2.0", true)]
    [InlineData("<=2.0", "2.0+local", true)]
    [InlineData("<=2.0", "2.0a1", true)]
    [InlineData("<=2.0", "1.9", true)]
    [InlineData("<=2.0", "2.0.post1", false)]
    [InlineData(">=3.8", "3.8", true)]
    [InlineData(">=3.8", "3.8+local", true)]
    [InlineData(">=3.8", "3.13.0rc1", true)]
    [InlineData(">=3.8", "3.8.0rc1", false)]
    [InlineData(">=3.8", "3.7.99", false)]
    // Exclusive ordered comparison: no pre-releases of V below, no post-releases or locals of V above.
    [InlineData("<4", "3.99", true)]
    [InlineData("<4", "3.99+local", true)]
    [InlineData("<4", "4", false)]
    [InlineData("<4", "4.0a1", false)]
    [InlineData("<4", "4.0.dev0", false)]
    [InlineData("<4.0a2", "4.0a1", true)]
    [InlineData("<4.0a2", "4.0.dev5", true)]
    [InlineData("<1.0.post1", "1.0", true)]
    [InlineData("<1.0.post1", "1.0.post1.dev0", false)]
    [InlineData(">1.7", "1.7.1", true)]
    [InlineData(">1.7", "1.7.1a1", true)]
    [InlineData(">1.7", "1.8.dev0", true)]
    [InlineData(">1.7", "1.7", false)]
    [InlineData(">1.7", "1.7+local", false)]
    [InlineData(">1.7", "1.7.0.post1", false)]
    [InlineData(">1.7.post2", "1.7.post3", true)]
    [InlineData(">1.7.post2", "1.7.post3.dev0", true)]
    [InlineData(">1.7.post2", "1.8", true)]
    [InlineData(">1.7.post2", "1.7.post2", false)]
    [InlineData(">1.7.post2", "1.7.post2+local", false)]
    [InlineData(">1.7a1", "1.7a2", true)]
    [InlineData(">1.7a1", "1.7", true)]
    [InlineData(">1.7a1", "1.7a1.post1", false)]
    [InlineData(">1.0.dev1", "1.0.dev2", true)]
    [InlineData(">1.0.dev1", "1.0", true)]
    [InlineData(">1.0.dev1", "1.0.dev1+local", false)]
    // Arbitrary equality compares the normalized text.
    [InlineData("===1.0", "1.0", true)]
    [InlineData("===1.0", "1.0.0", false)]
    [InlineData("===1.0+LOCAL", "1.0+local", true)]
    [InlineData("===foobar", "1.0", false)]
    public void Contains_follows_PEP_440(string specifier, string version, bool expected)
    {
        Assert.True(VersionSpecifier.TryParse(specifier, out var parsed, out var error), error);
        Assert.Equal(expected, parsed.Contains(Pep440Version.Parse(version)));
    }

    [Theory]
    [InlineData("~=3.9", SpecifierOperator.Compatible, "~=", "3.9", false)]
    [InlineData("==3.*", SpecifierOperator.Equal, "==", "3.*", true)]
    [InlineData("!= 3.0.*", SpecifierOperator.NotEqual, "!=", "3.0.*", true)]
    [InlineData("<=3.12", SpecifierOperator.LessThanOrEqual, "<=", "3.12", false)]
    [InlineData(">=3.8", SpecifierOperator.GreaterThanOrEqual, ">=", "3.8", false)]
    [InlineData("<4", SpecifierOperator.LessThan, "<", "4", false)]
    [InlineData(">3", SpecifierOperator.GreaterThan, ">", "3", false)]
    [InlineData("===weird", SpecifierOperator.ArbitraryEqual, "===", "weird", false)]
    public void Exposes_its_parts(string text, SpecifierOperator op, string operatorText, string versionText, bool wildcard)
    {
        Assert.True(VersionSpecifier.TryParse(text, out var specifier, out _));
        Assert.Equal(op, specifier.Operator);
        Assert.Equal(operatorText, specifier.OperatorText);
        Assert.Equal(versionText, specifier.VersionText);
        Assert.Equal(wildcard, specifier.IsWildcard);
        Assert.Equal(op != SpecifierOperator.ArbitraryEqual, specifier.Version is not null);
    }

    [Fact]
    public void A_wildcard_keeps_its_prefix_as_the_version()
    {
        Assert.True(VersionSpecifier.TryParse("==1!3.0.*", out var specifier, out _));
        Assert.Equal("1!3.0", specifier.Version!.Normalized);
    }

    [Fact]
    public void The_largest_release_number_has_no_next_prefix()
    {
        Assert.True(VersionSpecifier.TryParse("==9223372036854775807.*", out var specifier, out _));
        Assert.True(specifier.Contains(Pep440Version.Parse("9223372036854775807.5")));
        Assert.False(specifier.Contains(Pep440Version.Parse("9223372036854775806")));
    }
}
