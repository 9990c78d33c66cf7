using Bulwark.Core.Upstreams;

namespace Bulwark.Core.Tests.Upstreams;

public sealed class UpstreamRulesTests
{
    [Theory]
    [InlineData("acme-*", "acme-tools", true)]
    [InlineData("ACME_*", "acme-tools", true)]
    [InlineData("acme-*", "acme", false)]
    [InlineData("acme-*", "not-acme-tools", false)]
    [InlineData("*-internal", "billing-internal", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxcyyb", false)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    public void Name_patterns_match_normalized_names(string pattern, string name, bool matches) =>
        Assert.Equal(matches, UpstreamNamePattern.Matches(pattern, name));

    [Fact]
    public void Block_wins_and_allow_only_keeps_everything_else_off_the_upstream()
    {
        var upstream = new UpstreamOptions { Url = "https://pypi.org/simple/", Block = ["acme-*"], AllowOnly = ["requests", "acme-*"] };
        Assert.Equal(UpstreamNameVerdict.Blocked, UpstreamNamePolicy.DecideByRules("acme-tools", upstream).Verdict);
        Assert.Equal(UpstreamNameVerdict.Proxied, UpstreamNamePolicy.DecideByRules("requests", upstream).Verdict);
        Assert.Equal(UpstreamNameVerdict.Blocked, UpstreamNamePolicy.DecideByRules("numpy", upstream).Verdict);
    }

    [Theory]
    [InlineData("1.0", "1.0", null, null, null, true)]
    [InlineData("1.0.0", "1.0", null, null, null, true)]
    [InlineData("1.1", "1.0", null, null, null, false)]
    [InlineData("5.0", null, "0", null, null, true)]
    [InlineData("1.5", null, "1.0", "2.0", null, true)]
    [InlineData("2.0", null, "1.0", "2.0", null, false)]
    [InlineData("0.9", null, "1.0", "2.0", null, false)]
    [InlineData("1.3", null, "1.0", null, "1.3", true)]
    [InlineData("1.4", null, "1.0", null, "1.3", false)]
    public void Blocked_version_rules_cover_exact_versions_and_osv_ranges(string version, string? exact, string? introduced, string? fixedAt, string? last, bool covered)
    {
        var rule = new BlockedUpstreamVersion { Source = "MAL-0", NormalizedName = "x", Version = exact, Introduced = introduced, Fixed = fixedAt, LastAffected = last };
        Assert.Equal(covered, BlockedVersionGate.Covers(rule, version));
    }

    [Fact]
    public void Options_validation_names_the_key_at_fault()
    {
        var options = new UpstreamProxyOptions
        {
            Upstreams =
            [
                new UpstreamOptions { Url = "https://pypi.org/simple/" },
                new UpstreamOptions { Url = "ftp://mirror.example/simple/", Timeout = TimeSpan.Zero, Block = ["acme/*"] },
            ],
        };
        var result = new UpstreamOptionsValidation().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Bulwark:Upstreams:1:Url ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Bulwark:Upstreams:1:Timeout ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Bulwark:Upstreams:1:Block:0 ", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("Upstreams:0", StringComparison.Ordinal));
    }
}
