using Bulwark.Core.Upstreams;
using Bulwark.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Tests.Upstreams;

/// <summary><c>Bulwark:Upstreams</c> as registered: bound from configuration and checked when the host starts.</summary>
public sealed class UpstreamOptionsStartTests
{
    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Services.AddUpstreamCore();
        return builder.Build();
    }

    [Fact]
    public async Task A_bad_upstream_url_stops_the_host_with_a_message_naming_the_key()
    {
        using var host = Build(("Bulwark:Upstreams:0:Url", "pypi.org/simple"));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Bulwark:Upstreams:0:Url must be an absolute http or https URL", error.Message);
    }

    [Fact]
    public void A_good_configuration_binds_every_key()
    {
        using var host = Build(("Bulwark:Upstreams:0:Url", "https://pypi.org/simple/"), ("Bulwark:Upstreams:0:Timeout", "00:00:02"),
            ("Bulwark:Upstreams:0:Offline", "true"), ("Bulwark:Upstreams:0:Block:0", "acme-*"), ("Bulwark:Upstreams:0:AllowOnly:0", "requests"));
        var upstream = Assert.Single(host.Services.GetRequiredService<IOptions<UpstreamProxyOptions>>().Value.Upstreams);
        Assert.Equal(TimeSpan.FromSeconds(2), upstream.Timeout);
        Assert.True(upstream.Offline);
        Assert.Equal(["acme-*"], upstream.Block);
        Assert.Equal(["requests"], upstream.AllowOnly);
        Assert.Equal(new Uri("https://pypi.org/simple/"), upstream.BaseUri);
        // PyPI's JSON API lives next to its simple index.
        Assert.Equal(new Uri("https://pypi.org/pypi/"), upstream.JsonBaseUri);
    }

    [Fact]
    public async Task A_bad_json_url_stops_the_host_and_none_or_a_non_simple_url_means_no_json_api()
    {
        using var bad = Build(("Bulwark:Upstreams:0:Url", "https://pypi.org/simple/"), ("Bulwark:Upstreams:0:JsonUrl", "ftp://pypi.org/pypi/"));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => bad.StartAsync());
        Assert.Contains("Bulwark:Upstreams:0:JsonUrl must be an absolute http or https URL", error.Message);

        Assert.Null(new UpstreamOptions { Url = "https://pypi.org/simple/", JsonUrl = "none" }.JsonBaseUri);
        Assert.Null(new UpstreamOptions { Url = "https://mirror.example/index/" }.JsonBaseUri);
        Assert.Equal(new Uri("https://mirror.example/json/"), new UpstreamOptions { Url = "https://mirror.example/index/", JsonUrl = "https://mirror.example/json" }.JsonBaseUri);
    }
}
